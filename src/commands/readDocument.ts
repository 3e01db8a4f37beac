// Reads the whole active document from the top.
import type { Command } from './command';
import { CommandId } from './ids';

export const readDocument: Command = {
  id: CommandId.ReadDocument,
  execute: (svc) => svc.reader.read('document'),
};
