/** A single-choice quick pick that opens focused on a given item (showQuickPick always focuses the first one). */
import * as vscode from 'vscode';

export interface PickOptions<T> {
  title: string;
  placeholder?: string;
  /** Focused when the picker opens, so Enter keeps it. */
  active?: T;
  matchOnDescription?: boolean;
}

export function pickOne<T extends vscode.QuickPickItem>(items: readonly T[], opts: PickOptions<T>): Promise<T | undefined> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = opts.title;
  qp.placeholder = opts.placeholder;
  qp.matchOnDescription = opts.matchOnDescription ?? false;
  qp.items = items;
  if (opts.active) qp.activeItems = [opts.active];
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.activeItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
