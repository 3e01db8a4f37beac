// Test-only commands (registered outside production mode): observe the reader, crash the engine worker, and make a
// voice without the consent dialog (an extension test host refuses modal dialogs).
import type { Command } from './command';
import { CommandId } from './ids';
import { createVoice } from '../ui/yourVoices';

export const testState: Command = {
  id: CommandId.TestState,
  execute: (svc) => svc.reader.testState(),
};

export const testCrashWorker: Command = {
  id: CommandId.TestCrashWorker,
  execute: (svc, afterMs) => {
    const client = svc.engine.current;
    if (!client?.running) return false;
    client.simulateCrash(typeof afterMs === 'number' ? afterMs : 0);
    return true;
  },
};

export const testCreateVoice: Command = {
  id: CommandId.TestCreateVoice,
  execute: (svc, recording, name) => createVoice(svc, String(recording), String(name)),
};
