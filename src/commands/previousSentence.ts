// Jumps back to the previous sentence from the audio kept in the queue.
import type { Command } from './command';
import { CommandId } from './ids';

export const previousSentence: Command = {
  id: CommandId.PreviousSentence,
  execute: (svc) => svc.reader.previous(),
};
