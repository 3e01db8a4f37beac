/**
 * Shows failures with a way forward (buttons that run the fix; see errorMessages.ts) and logs them: expected
 * problems as one line, software failures with their stack. Messages are shown without being awaited, so a command
 * never hangs on a notification nobody clicks; the last report is kept for the test hook.
 */
import * as vscode from 'vscode';
import { EngineError } from '../shared/errors';
import { readConfig } from './config';
import { describeError, type ErrorDescription, type MessageAction } from './errorMessages';

export interface ReportedError {
  code: string;
  message: string;
}

export class ErrorReporter {
  last: ReportedError | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /**
   * Reports `err`; `saveTarget` (a document uri) offers saving a WAV when the problem is audio output, `localFolder`
   * says a model problem is about a local folder (default: whether pocketReader.modelPath is set).
   */
  report(err: unknown, opts: { saveTarget?: vscode.Uri; localFolder?: boolean } = {}): void {
    const d = this.describe(err, opts);
    if (d.code === 'CANCELLED') return;
    const show = d.severity === 'info' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(d.message, ...d.actions.map((a) => a.title)).then(
      (picked) => {
        const a = d.actions.find((x) => x.title === picked);
        if (a) runAction(a);
      },
      () => undefined,
    );
  }

  /** Records and logs `err` and returns what to tell the user: report() shows it, a waiting reading asks it. */
  describe(err: unknown, opts: { saveTarget?: vscode.Uri; localFolder?: boolean } = {}): ErrorDescription {
    const d = describeError(err, { localFolder: opts.localFolder ?? readConfig().modelPath !== '', saveTarget: opts.saveTarget });
    if (d.code === 'CANCELLED') return d;
    this.last = { code: d.code, message: d.message };
    this.logError(d.code, err, d.expected);
    return d;
  }

  /** An informational message (empty selection, nothing to read); logged and recorded like errors. */
  info(code: string, message: string): void {
    this.last = { code, message };
    this.log(`note ${code}: ${message.replace(/^Pocket Reader:\s*/, '')}`);
    void vscode.window.showInformationMessage(message);
  }

  /** The log line for `err`: its message (and the runtime's raw text), plus the stack only for software failures. */
  private logError(code: string, err: unknown, expected: boolean): void {
    const detail = err instanceof EngineError && err.detail ? ` [${err.detail.replace(/\s*\n\s*/g, ' ')}]` : '';
    const text = err instanceof Error ? (expected ? err.message : (err.stack ?? err.message)) : String(err);
    this.log(`error ${code}: ${text}${detail}`);
  }
}

export function runAction(a: MessageAction): void {
  void vscode.commands.executeCommand(a.command, ...(a.args ?? []));
}
