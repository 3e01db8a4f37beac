// Reads only the comments of a code file.
import type { Command } from './command';
import { CommandId } from './ids';

export const readComments: Command = {
  id: CommandId.ReadComments,
  execute: (svc) => svc.reader.read('comments'),
};
