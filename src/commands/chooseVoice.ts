// Picks a voice from the model, the user's own voices or a .safetensors voice file.
import type { Command } from './command';
import { CommandId } from './ids';
import { chooseVoice as pickVoice } from '../ui/voicePicker';
export const chooseVoice: Command = {
  id: CommandId.ChooseVoice,
  execute: (svc) => pickVoice(svc),
};
