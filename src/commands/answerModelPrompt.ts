// The "model needed" status bar entry's click: the open model question's choices in a quick pick.
import type { Command } from './command';
import { CommandId } from './ids';

export const answerModelPrompt: Command = {
  id: CommandId.AnswerModelPrompt,
  execute: (svc) => svc.setup.prompt.pick(),
};
