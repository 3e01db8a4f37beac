/**
 * What a command reads: the document checks (binary, huge, empty) and the segments with document offsets, for a
 * selection (or the paragraph at the cursor), the whole document, from the cursor, or the comments of a code file.
 */
import * as vscode from 'vscode';
import { commentSyntaxFor } from '../text/commentSyntax';
import { narrate, segmentAt, type NarrateOptions, type Segment } from '../text/narrate';
import { shiftSegment } from '../text/segment';
import { paragraphAt } from '../text/paragraph';
import { isHuge, looksBinary } from '../text/readable';
import type { PocketReaderConfig } from './config';
import type { ErrorReporter } from './errorReport';

export type ReadMode = 'selection' | 'document' | 'cursor' | 'comments' | 'selectionOrDocument';

export interface ReadTarget {
  document: vscode.TextDocument;
  /** Sentences to speak; offsets are document offsets. */
  segments: Segment[];
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
    errors.info('BINARY', `${fileName(document)} looks binary, so Pocket Reader will not read it.`);
    return undefined;
  }
  if (text.trim() === '') {
    errors.info('EMPTY_DOCUMENT', `${fileName(document)} is empty: there is nothing to read.`);
    return undefined;
  }
  const opts: NarrateOptions = {
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
        errors.info('EMPTY_SELECTION', 'Nothing is selected and the cursor is on a blank line: select some text, or use Read Document Aloud.');
        return undefined;
      }
      ranges = [para];
    }
    const segments = ranges.flatMap((r) => narrate(text.slice(r.start, r.end), opts).map((s) => shiftSegment(s, r.start)));
    return nonEmpty(document, segments, errors, 'The selection has nothing to read aloud (only code or markup?).');
  }

  if (isHuge(text)) {
    const mb = (text.length / 1e6).toFixed(1);
    const go = await vscode.window.showWarningMessage(`${fileName(document)} is large (${mb} million characters). Read it aloud anyway?`, { modal: true }, 'Read');
    if (go !== 'Read') return undefined;
  }

  if (mode === 'comments') {
    if (!commentSyntaxFor(document.languageId)) {
      errors.info('NO_COMMENT_SYNTAX', `Pocket Reader does not know the comment syntax of ${document.languageId} files.`);
      return undefined;
    }
    return nonEmpty(document, narrate(text, { ...opts, commentsOnly: true }), errors, `${fileName(document)} has no comments to read.`);
  }

  const all = narrate(text, opts);
  if (mode === 'cursor') {
    const from = segmentAt(all, document.offsetAt(selections[0]?.active ?? new vscode.Position(0, 0)));
    if (from < 0) {
      errors.info('END_OF_DOCUMENT', 'There is nothing to read after the cursor.');
      return undefined;
    }
    return nonEmpty(document, all.slice(from), errors, 'There is nothing to read after the cursor.');
  }
  return nonEmpty(document, all, errors, `${fileName(document)} has nothing to read aloud (only code or markup?).`);
}

function nonEmpty(document: vscode.TextDocument, segments: Segment[], errors: ErrorReporter, message: string): ReadTarget | undefined {
  if (segments.length > 0) return { document, segments };
  errors.info('NOTHING_SPEAKABLE', message);
  return undefined;
}

function fileName(document: vscode.TextDocument): string {
  return document.isUntitled ? 'This document' : (document.uri.path.split('/').pop() ?? 'This file');
}
