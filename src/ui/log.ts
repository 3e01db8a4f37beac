/** The "Pocket Reader" output channel: engine and backend notes, timings, and the detail behind error messages. */
import * as vscode from 'vscode';

export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Pocket Reader');
  /** The last lines, for the test hook (an output channel cannot be read back). */
  readonly recent: string[] = [];

  line(text: string): void {
    this.channel.appendLine(`[${new Date().toISOString().slice(11, 23)}] ${text}`);
    this.recent.push(text);
    if (this.recent.length > 100) this.recent.shift();
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
