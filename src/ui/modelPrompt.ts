/**
 * The one open question about the speech model (first use, a broken folder, offline) while a reading waits for the
 * answer. A notification asks it; notifications hide after a while, so the status bar shows "Pocket Reader: model
 * needed" until the question is answered, and clicking it offers the same choices. Closing the notification
 * answers "no": the waiting reading is cancelled.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commands/ids';
import { PREFIX, type MessageAction } from './errorMessages';
import { runAction } from './errorReport';

export interface ModelQuestion {
  message: string;
  actions: MessageAction[];
  severity: 'error' | 'info';
  /** What waits for the answer, for the status bar tooltip ("A reading is waiting for the speech model."). */
  waiting: string;
}

/** A chosen action; `dismissed`: the notification was closed; `recheck`: fixed elsewhere, look again; `superseded`: a newer question replaced it. */
export type PromptAnswer = MessageAction | 'dismissed' | 'recheck' | 'superseded';

interface OpenQuestion {
  question: ModelQuestion;
  settle(answer: PromptAnswer): void;
}

export class ModelPrompt implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pocketReader.modelNeeded', vscode.StatusBarAlignment.Right, 101);
  private open: OpenQuestion | undefined;

  constructor() {
    this.item.name = 'Pocket Reader: model needed';
    this.item.text = '$(cloud-download) Pocket Reader: model needed';
    this.item.command = CommandId.AnswerModelPrompt;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  /** The question waiting for an answer, if any (test hook). */
  get pending(): string | undefined {
    return this.open?.question.message;
  }

  ask(question: ModelQuestion): Promise<PromptAnswer> {
    this.open?.settle('superseded');
    return new Promise((resolve) => {
      const entry: OpenQuestion = {
        question,
        settle: (answer) => {
          if (this.open !== entry) return;
          this.open = undefined;
          this.item.hide();
          resolve(answer);
        },
      };
      this.open = entry;
      this.item.tooltip = `${question.waiting} Click to choose: ${question.actions.map((a) => a.title).join(', ')}.`;
      this.item.show();
      const show = question.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
      void show(question.message, ...question.actions.map((a) => a.title)).then((title) => {
        const action = question.actions.find((a) => a.title === title);
        if (this.open === entry) entry.settle(action ?? 'dismissed');
        // A notification answered after the question was settled elsewhere still does what its button says.
        else if (action) runAction(action);
      });
    });
  }

  /** The status bar entry's click: the same choices in a quick pick. Escape leaves the question open. */
  async pick(): Promise<void> {
    const entry = this.open;
    if (!entry) return;
    const picked = await vscode.window.showQuickPick(
      entry.question.actions.map((a) => ({ label: a.title, action: a })),
      { title: 'Pocket Reader: model needed', placeHolder: entry.question.message.slice(PREFIX.length).trim() },
    );
    if (picked) entry.settle(picked.action);
  }

  /** Something else may have fixed it (a command, a settings change): the waiting reading looks again. */
  recheck(): void {
    this.open?.settle('recheck');
  }

  dispose(): void {
    this.open?.settle('dismissed');
    this.item.dispose();
  }
}
