// The user's own voices: use, preview, rename, delete.
import type { Command } from './command';
import { CommandId } from './ids';
import { manageYourVoices } from '../ui/yourVoices';

export const manageVoices: Command = {
  id: CommandId.ManageVoices,
  execute: (svc) => manageYourVoices(svc),
};
