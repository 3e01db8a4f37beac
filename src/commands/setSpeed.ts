// Sets the playback speed; a running reading follows through the settings change.
import type { Command } from './command';
import { CommandId } from './ids';
import { setSpeed as pickSpeed } from '../ui/speedPicker';
export const setSpeed: Command = {
  id: CommandId.SetSpeed,
  execute: (_svc, value) => pickSpeed(typeof value === 'number' ? value : undefined),
};
