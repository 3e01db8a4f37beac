/** The engine side of EngineClient.call(): one handler per method of EngineCalls. */
import type { ClientMessage, EngineCalls, EngineMethod } from '../shared/protocol';
import type { Engine } from './engine';
import { cloneVoice } from './voiceClone';

export async function handleCall(engine: Engine, call: Extract<ClientMessage, { type: 'call' }>): Promise<EngineCalls[EngineMethod]['result']> {
  switch (call.method) {
    case 'cloneVoice':
      return cloneVoice(engine, call.params);
  }
}
