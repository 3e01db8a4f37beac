// Reads the selection, or the paragraph at the cursor when nothing is selected.
import type { Command } from './command';
import { CommandId } from './ids';

export const readSelection: Command = {
  id: CommandId.ReadSelection,
  execute: (svc) => svc.reader.read('selection'),
};
