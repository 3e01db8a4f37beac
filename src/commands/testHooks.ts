// Test-only commands (registered outside production mode): observe the reader and crash the engine worker.
import type { Command } from './command';
import { CommandId } from './ids';

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
