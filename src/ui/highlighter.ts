/**
 * Highlights the sentence being heard in every editor showing the document, follows it off-screen, and keeps the
 * segment ranges valid while the user edits (a segment whose text was deleted is simply not highlighted).
 */
import * as vscode from 'vscode';
import { SpanTracker, type OffsetSpan } from '../text/editRemap';

export class Highlighter implements vscode.Disposable {
  // The extension's own theme colours (package.json `contributes.colors`): decorations paint above the selection,
  // so with a colour that is not the selection's the sentence stays visible while a selection is read.
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('pocketReader.sentenceBackground'),
    borderColor: new vscode.ThemeColor('pocketReader.sentenceBorder'),
    borderStyle: 'solid',
    borderWidth: '1px',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly tracker: SpanTracker;
  private readonly subscriptions: vscode.Disposable[] = [];
  private current = -1;

  constructor(private readonly document: vscode.TextDocument, spans: readonly OffsetSpan[]) {
    this.tracker = new SpanTracker(spans);
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== this.document || e.contentChanges.length === 0) return;
        this.tracker.apply(e.contentChanges);
        this.paint(false);
      }),
      // A newly visible editor for the document gets the highlight too.
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint(false)),
    );
  }

  /** The document range of segment `index` as it is now, or undefined if its text was deleted. */
  rangeOf(index: number): vscode.Range | undefined {
    const span = this.tracker.get(index);
    if (!span || this.document.isClosed) return undefined;
    return new vscode.Range(this.document.positionAt(span.start), this.document.positionAt(span.end));
  }

  show(index: number): void {
    this.current = index;
    this.paint(true);
  }

  clear(): void {
    this.current = -1;
    this.paint(false);
  }

  private paint(reveal: boolean): void {
    const range = this.current >= 0 ? this.rangeOf(this.current) : undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== this.document) continue;
      editor.setDecorations(this.decoration, range ? [range] : []);
      if (reveal && range && !editor.visibleRanges.some((v) => v.contains(range.start))) {
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }
  }

  dispose(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === this.document) editor.setDecorations(this.decoration, []);
    }
    this.decoration.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
