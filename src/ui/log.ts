/** The "Pocket Reader" output channel: engine and backend notes, timings, and the detail behind error messages. */
import * as vscode from 'vscode';

export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Pocket Reader');

  line(text: string): void {
    this.channel.appendLine(`[${new Date().toISOString().slice(11, 23)}] ${text}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
