// Picks a voice for the language of the active document, from the model or a .safetensors voice file.
import type { Command } from './command';
import { CommandId } from './ids';
import { readConfig } from '../ui/config';
import { activeLanguage } from '../ui/readTarget';
import { chooseVoice as pickVoice } from '../ui/voicePicker';
export const chooseVoice: Command = {
  id: CommandId.ChooseVoice,
  execute: async () => pickVoice((await activeLanguage(readConfig())).language),
};
