// Test-only commands (registered outside production mode): observe the reader, act on the engine process as a fault
// would, run the extension's shutdown path, and make a voice without the consent dialog (an extension test host
// refuses modal dialogs).
import type { Command } from './command';
import { CommandId } from './ids';
import { shutdown } from '../ui/shutdown';
import { createVoice } from '../ui/yourVoices';

export const testState: Command = {
  id: CommandId.TestState,
  execute: (svc) => svc.reader.testState(),
};

/** `{ signal: 'SIGKILL' | 'SIGSTOP' | … }` signals the engine process; `{ crashAfterMs }` throws inside it. */
export const testEngine: Command = {
  id: CommandId.TestEngine,
  execute: (svc, arg) => {
    const client = svc.engine.current;
    if (!client?.running) return false;
    const a = (arg ?? {}) as { signal?: NodeJS.Signals; crashAfterMs?: number };
    if (a.signal) return client.signal(a.signal);
    client.simulateCrash(a.crashAfterMs ?? 0);
    return true;
  },
};

/** What deactivate() does, without unloading the extension (the engine starts again on the next read). */
export const testShutdown: Command = {
  id: CommandId.TestShutdown,
  execute: (svc) => shutdown(svc),
};

export const testCreateVoice: Command = {
  id: CommandId.TestCreateVoice,
  execute: (svc, recording, name) => createVoice(svc, String(recording), String(name)),
};
