/**
 * Highlights the sentence being heard (softly) and the word being spoken in every editor showing the document,
 * follows the sentence off-screen, and keeps the ranges valid while the user edits (a segment whose text was deleted
 * is simply not highlighted; a word is hidden once its sentence was edited).
 */
import * as vscode from 'vscode';
import { SpanTracker, type OffsetSpan } from '../text/editRemap';

// The extension's own theme colours (package.json `contributes.colors`): decorations paint above the selection, so
// with colours that are not the selection's the sentence and word stay visible while a selection is read. Borders
// show only where the theme defines them (high contrast themes).
const decoration = (background: string, border: string, borderWidth: string) =>
  vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor(background),
    borderColor: new vscode.ThemeColor(border),
    borderStyle: 'solid',
    borderWidth,
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });

/** A word by its segment and document offsets as they were when reading started. */
export interface WordSpan {
  segmentIndex: number;
  span: OffsetSpan;
}

export class Highlighter implements vscode.Disposable {
  private readonly sentence = decoration('pocketReader.sentenceBackground', 'pocketReader.sentenceBorder', '1px');
  private readonly word = decoration('pocketReader.wordBackground', 'editor.findMatchBorder', '2px');
  private readonly tracker: SpanTracker;
  private readonly subscriptions: vscode.Disposable[] = [];
  private current = -1;
  private currentWord: WordSpan | undefined;

  constructor(private readonly document: vscode.TextDocument, private readonly spans: readonly OffsetSpan[]) {
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

  /** The document range of the highlighted word as it is now (undefined if none, or its sentence was edited). */
  wordRange(): vscode.Range | undefined {
    const w = this.currentWord;
    const now = w && this.tracker.get(w.segmentIndex);
    const then = w && this.spans[w.segmentIndex];
    if (!w || !now || !then || now.end - now.start !== then.end - then.start || this.document.isClosed) return undefined;
    const shift = now.start - then.start;
    return new vscode.Range(this.document.positionAt(w.span.start + shift), this.document.positionAt(w.span.end + shift));
  }

  show(index: number): void {
    this.current = index;
    this.paint(true);
  }

  showWord(word: WordSpan | undefined): void {
    this.currentWord = word;
    this.paint(false);
  }

  clear(): void {
    this.current = -1;
    this.currentWord = undefined;
    this.paint(false);
  }

  private paint(reveal: boolean): void {
    const range = this.current >= 0 ? this.rangeOf(this.current) : undefined;
    const word = this.wordRange();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== this.document) continue;
      editor.setDecorations(this.sentence, range ? [range] : []);
      editor.setDecorations(this.word, word ? [word] : []);
      if (reveal && range && !editor.visibleRanges.some((v) => v.contains(range.start))) {
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }
  }

  dispose(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === this.document) (editor.setDecorations(this.sentence, []), editor.setDecorations(this.word, []));
    }
    this.sentence.dispose();
    this.word.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
