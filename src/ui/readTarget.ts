/**
 * What a command reads: the document checks (binary, huge, empty) and the segments with document offsets, for a
 * selection (or the paragraph at the cursor), the whole document, from the cursor, or the comments of a code file.
 */
import * as vscode from 'vscode';
import { commentSyntaxFor } from '../text/commentSyntax';
import { chooseLanguage, type LanguageChoice } from '../text/language/detect';
import { narrate, segmentAt, type NarrateOptions, type Segment } from '../text/narrate';
import { paragraphAt } from '../text/paragraph';
import { isHuge, looksBinary } from '../text/readable';
import { shiftSegment } from '../text/segment';
import type { PocketReaderConfig } from './config';
import type { ErrorReporter } from './errorReport';

export type ReadMode = 'selection' | 'document' | 'cursor' | 'comments' | 'selectionOrDocument';

export interface ReadTarget {
  document: vscode.TextDocument;
  /** Sentences to speak; offsets are document offsets. */
  segments: Segment[];
  /** What is read, for the log: a selection, the paragraph at the cursor (nothing selected), … */
  scope: 'selection' | 'paragraph' | 'document' | 'cursor' | 'comments';
  /** The language they are read in, and why. */
  language: LanguageChoice;
}

/** The language the active editor would be read in (voice picker, Download Model); the display language without one. */
export async function activeLanguage(cfg: Pick<PocketReaderConfig, 'language'>): Promise<LanguageChoice> {
  const editor = vscode.window.activeTextEditor;
  if (editor) return languageOf(editor.document, cfg);
  return chooseLanguage({ setting: cfg.language, document: '', languageId: 'plaintext', displayLanguage: vscode.env.language });
}

/** The reading language of `text` (the document, or what is read of it) under the settings. */
export function languageOf(document: vscode.TextDocument, cfg: Pick<PocketReaderConfig, 'language'>, selection?: string): Promise<LanguageChoice> {
  return chooseLanguage({ setting: cfg.language, document: document.getText(), languageId: document.languageId, selection, displayLanguage: vscode.env.language });
}

export async function buildTarget(
  document: vscode.TextDocument,
  selections: readonly vscode.Selection[],
  mode: ReadMode,
  cfg: PocketReaderConfig,
  errors: ErrorReporter,
): Promise<ReadTarget | undefined> {
  const text = document.getText();
  if (looksBinary(text)) {
    errors.info('BINARY', `Pocket Reader: ${fileName(document)} looks binary, so it is not read.`);
    return undefined;
  }
  if (text.trim() === '') {
    errors.info('EMPTY_DOCUMENT', `Pocket Reader: ${fileName(document)} is empty: there is nothing to read.`);
    return undefined;
  }
  const base: NarrateOptions = {
    languageId: document.languageId,
    codeBlocks: cfg.codeBlocks,
    tables: cfg.tables,
    announceHeadings: cfg.announceHeadings,
    emoji: cfg.emoji,
  };
  const picked = selections.filter((s) => !s.isEmpty).sort((a, b) => a.start.compareTo(b.start));
  const useSelection = mode === 'selection' || (mode === 'selectionOrDocument' && picked.length > 0);

  if (useSelection) {
    let ranges = picked.map((s) => ({ start: document.offsetAt(s.start), end: document.offsetAt(s.end) }));
    if (ranges.length === 0) {
      const para = paragraphAt(text, document.offsetAt(selections[0]?.active ?? new vscode.Position(0, 0)));
      if (!para) {
        errors.info('EMPTY_SELECTION', 'Pocket Reader: nothing is selected and the cursor is on a blank line: select some text, or use Read Document Aloud.');
        return undefined;
      }
      ranges = [para];
    }
    const language = await languageOf(document, cfg, ranges.map((r) => text.slice(r.start, r.end)).join('\n\n'));
    const opts = { ...base, language: language.language };
    const segments = ranges.flatMap((r) => narrate(text.slice(r.start, r.end), opts).map((s) => shiftSegment(s, r.start)));
    const scope = picked.length > 0 ? 'selection' : 'paragraph';
    return nonEmpty(document, segments, scope, language, errors, `Pocket Reader: the ${scope} has nothing to read aloud (only code or markup?).`);
  }
  const language = await languageOf(document, cfg);
  const opts = { ...base, language: language.language };

  if (isHuge(text)) {
    const mb = (text.length / 1e6).toFixed(1);
    const go = await vscode.window.showWarningMessage(`Pocket Reader: ${fileName(document)} is large (${mb} million characters). Read it aloud anyway?`, { modal: true }, 'Read');
    if (go !== 'Read') return undefined;
  }

  if (mode === 'comments') {
    if (!commentSyntaxFor(document.languageId)) {
      errors.info('NO_COMMENT_SYNTAX', `Pocket Reader: the comment syntax of ${document.languageId} files is not known, so there are no comments to read.`);
      return undefined;
    }
    return nonEmpty(document, narrate(text, { ...opts, commentsOnly: true }), 'comments', language, errors, `Pocket Reader: ${fileName(document)} has no comments to read.`);
  }

  const all = narrate(text, opts);
  if (mode === 'cursor') {
    const from = segmentAt(all, document.offsetAt(selections[0]?.active ?? new vscode.Position(0, 0)));
    if (from < 0) {
      errors.info('END_OF_DOCUMENT', 'Pocket Reader: there is nothing to read after the cursor.');
      return undefined;
    }
    return nonEmpty(document, all.slice(from), 'cursor', language, errors, 'Pocket Reader: there is nothing to read after the cursor.');
  }
  return nonEmpty(document, all, 'document', language, errors, `Pocket Reader: ${fileName(document)} has nothing to read aloud (only code or markup?).`);
}

function nonEmpty(document: vscode.TextDocument, segments: Segment[], scope: ReadTarget['scope'], language: LanguageChoice, errors: ErrorReporter, message: string): ReadTarget | undefined {
  if (segments.length > 0) return { document, segments, scope, language };
  errors.info('NOTHING_SPEAKABLE', message);
  return undefined;
}

function fileName(document: vscode.TextDocument): string {
  return document.isUntitled ? 'This document' : (document.uri.path.split('/').pop() ?? 'This file');
}
