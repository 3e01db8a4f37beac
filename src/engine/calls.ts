/** The engine side of EngineClient.call(): one handler per method of EngineCalls. */
import { EngineError } from '../shared/errors';
import type { ClientMessage, EngineCalls, EngineMethod } from '../shared/protocol';
import type { Engine } from './engine';

export async function handleCall(_engine: Engine, call: Extract<ClientMessage, { type: 'call' }>): Promise<EngineCalls[EngineMethod]['result']> {
  switch (call.method) {
    case 'cloneVoice':
      throw new EngineError('INTERNAL', 'voice cloning is not available in this build');
  }
}
