/** A command is an id plus a handler over the shared services; index.ts registers them all. */
import type { Services } from '../ui/services';
import type { CommandId } from './ids';

export interface Command {
  readonly id: CommandId;
  execute(svc: Services, ...args: unknown[]): unknown;
}
