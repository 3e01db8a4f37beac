// Opens the Pocket Reader output channel.
import type { Command } from './command';
import { CommandId } from './ids';

export const showLog: Command = {
  id: CommandId.ShowLog,
  execute: (svc) => svc.log.show(),
};
