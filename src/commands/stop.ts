// Stops reading: kills the player and cancels the engine request at once.
import type { Command } from './command';
import { CommandId } from './ids';

export const stop: Command = {
  id: CommandId.Stop,
  execute: (svc) => svc.reader.stop(),
};
