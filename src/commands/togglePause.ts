// Pauses or resumes the current reading (also the status bar entry's click).
import type { Command } from './command';
import { CommandId } from './ids';

export const togglePause: Command = {
  id: CommandId.TogglePause,
  execute: (svc) => svc.reader.togglePause(),
};
