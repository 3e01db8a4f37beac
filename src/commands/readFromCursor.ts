// Reads from the sentence at the cursor to the end of the document.
import type { Command } from './command';
import { CommandId } from './ids';

export const readFromCursor: Command = {
  id: CommandId.ReadFromCursor,
  execute: (svc) => svc.reader.read('cursor'),
};
