// Jumps to the next sentence (from generated audio when there is some).
import type { Command } from './command';
import { CommandId } from './ids';

export const nextSentence: Command = {
  id: CommandId.NextSentence,
  execute: (svc) => svc.reader.next(),
};
