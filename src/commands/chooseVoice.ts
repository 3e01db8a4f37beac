// Picks a voice for the language of the active document: the model's, the user's own (English), or a voice file.
import type { Command } from './command';
import { CommandId } from './ids';
import { readConfig } from '../ui/config';
import { activeLanguage } from '../ui/readTarget';
import { chooseVoice as pickVoice } from '../ui/voicePicker';
export const chooseVoice: Command = {
  id: CommandId.ChooseVoice,
  execute: async (svc) => pickVoice(svc, (await activeLanguage(readConfig())).language),
};
