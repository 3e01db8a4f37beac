// Makes a voice from a WAV recording, after the user confirms consent; it lands under "Your voices".
import type { Command } from './command';
import { CommandId } from './ids';
import { createVoiceFromRecording } from '../ui/yourVoices';

export const createVoice: Command = {
  id: CommandId.CreateVoice,
  execute: (svc) => createVoiceFromRecording(svc),
};
