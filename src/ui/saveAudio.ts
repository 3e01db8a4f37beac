/**
 * "Save Audio Next to File": the selection (or the whole document) becomes `name.wav` beside the file, with captions
 * in `name.vtt` (WebVTT, one cue per sentence, word times inside) — never overwriting (`name-2.wav` + `name-2.vtt`,
 * …) — streamed through WavFileWriter as it is synthesized, under a cancellable progress
 * notification. Both go to temp files in that folder and get their names only when complete, so a cancel, a
 * failure or a closed window leaves no half-written file (an engine restart mid-save is absorbed by the client).
 * Untitled documents ask for a place; a read-only folder offers Save As.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { PartialFile } from '../audio/partialFile';
import { pairWords, RequestMarks, type PlacedMark } from '../audio/requestMarks';
import { DEFAULT_SAMPLE_RATE, WavFileWriter } from '../audio/wav';
import { EngineError, isCancelled } from '../shared/errors';
import { formatWebVtt, type Cue } from '../text/webVtt';
import { readConfig } from './config';
import { synthesisOptions } from './engineHost';
import type { ReadyModel } from './modelSetup';
import { buildTarget } from './readTarget';
import type { Services } from './services';

const WRITE_DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);

/** Saves audio for `uri` (or the active editor); resolves with the written file, or undefined if nothing was saved. */
export async function saveAudio(svc: Services, uri?: vscode.Uri): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor;
  const document = uri ? await vscode.workspace.openTextDocument(uri) : active?.document;
  if (!document) {
    svc.errors.info('NO_EDITOR', 'Pocket Reader: open a file, then run Save Audio Next to File again.');
    return undefined;
  }
  const selections = active && active.document === document ? active.selections : [];
  const cfg = readConfig();
  const target = await buildTarget(document, selections, 'selectionOrDocument', cfg, svc.errors);
  if (!target) return undefined;

  let ready: ReadyModel | undefined;
  try {
    ready = await svc.setup.ensureReady(target.language.language);
  } catch (err) {
    svc.errors.report(err);
    return undefined;
  }
  if (!ready) return undefined;

  const output = await openOutput(svc, document);
  if (!output) return undefined;
  const { writer, captions } = output;
  const cues: Cue[] = [];
  const engine = svc.engine.synthesizer(ready.modelDir, readConfig());
  // Fixed decode batches: the file's samples do not depend on timing, so a resumed request continues seamlessly.
  const options = { ...synthesisOptions(readConfig(), target.language.language), voice: ready.voice, decodeBatching: 'fixed' as const };
  const segments = target.segments;
  const t0 = performance.now();

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Pocket Reader: saving ${path.basename(writer.intendedPath)}`, cancellable: true },
    async (progress, token): Promise<'done' | 'cancelled' | Error> => {
      let handle: { cancel(): void } | undefined;
      const sub = token.onCancellationRequested(() => handle?.cancel());
      try {
        for (let i = 0; i < segments.length; i++) {
          if (token.isCancellationRequested) return 'cancelled';
          const seg = segments[i]!;
          const h = engine.synthesize(seg.text, options);
          handle = h;
          const start = writer.samplesWritten / writer.sampleRate;
          const marks = new RequestMarks();
          const placed: PlacedMark[] = [];
          try {
            for await (const c of h) {
              if (c.sampleRate !== writer.sampleRate) throw new EngineError('INTERNAL', `the model produces ${c.sampleRate} Hz audio, expected ${writer.sampleRate} Hz`);
              placed.push(...marks.place(c).marks);
              await writer.write(c.pcm);
            }
            await h.done;
          } catch (err) {
            if (err instanceof EngineError && (err.code === 'NOTHING_SPEAKABLE' || err.code === 'EMPTY_TEXT')) continue;
            throw err;
          }
          const words = pairWords(placed, writer.sampleRate).map((w) => ({ start: w.sourceStart, time: start + w.start }));
          cues.push({ start, end: writer.samplesWritten / writer.sampleRate, text: seg.text, words });
          if (seg.pauseAfterMs > 0 && i < segments.length - 1) await writer.write(new Float32Array(Math.round((seg.pauseAfterMs / 1000) * writer.sampleRate)));
          progress.report({ increment: 100 / segments.length, message: `sentence ${i + 1} of ${segments.length}` });
        }
        return 'done';
      } catch (err) {
        return isCancelled(err) && token.isCancellationRequested ? 'cancelled' : (err as Error);
      } finally {
        sub.dispose();
      }
    },
  );

  const discard = () => Promise.all([writer.discard(), captions.discard()]).catch(() => undefined);
  if (outcome !== 'done') {
    await discard();
    if (outcome === 'cancelled') svc.log.line(`save of ${writer.intendedPath} cancelled; nothing was written`);
    else svc.errors.report(outcome);
    return undefined;
  }
  let saved: string;
  try {
    await captions.handle.writeFile(formatWebVtt(cues));
    saved = await writer.commit(); // the captions move into place with it, under the same name
  } catch (err) {
    await discard();
    svc.errors.report(err);
    return undefined;
  }
  const seconds = writer.samplesWritten / writer.sampleRate;
  const vtt = path.basename(saved, '.wav') + '.vtt';
  svc.log.line(`saved ${saved} and ${vtt}: ${seconds.toFixed(1)} s of audio in ${Math.round(performance.now() - t0)} ms`);
  void vscode.window.showInformationMessage(`Pocket Reader: saved ${path.basename(saved)} (${seconds.toFixed(1)} s) with captions ${vtt}.`, 'Show in Explorer').then((pick) => {
    if (pick) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(saved));
  });
  return saved;
}

interface Output {
  writer: WavFileWriter;
  captions: PartialFile;
}

/** `name.wav` with `name.vtt` (or the next names free for both, decided when they are complete). */
async function create(dir: string, base: string): Promise<Output> {
  const captions = await PartialFile.open(dir, `${base}.vtt`);
  try {
    return { writer: await WavFileWriter.create(dir, base, DEFAULT_SAMPLE_RATE, [{ file: captions, ext: '.vtt' }]), captions };
  } catch (err) {
    await captions.discard();
    throw err;
  }
}

/** The output beside the file; a save dialog for untitled/virtual documents or on EACCES. */
async function openOutput(svc: Services, document: vscode.TextDocument): Promise<Output | undefined> {
  const base = document.isUntitled ? 'speech' : path.parse(document.uri.path).name;
  if (document.uri.scheme === 'file') {
    const dir = path.dirname(document.uri.fsPath);
    try {
      return await create(dir, base);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!WRITE_DENIED.has(code)) {
        svc.errors.report(err);
        return undefined;
      }
      svc.errors.last = { code: 'READ_ONLY_FOLDER', message: String((err as Error).message) };
      svc.log.line(`cannot write in ${dir}: ${(err as Error).message}`);
      const pick = await vscode.window.showErrorMessage(`Pocket Reader: cannot write in ${dir} (${code}). Save the audio somewhere else?`, 'Save As…');
      if (pick !== 'Save As…') return undefined;
    }
  }
  const target = await vscode.window.showSaveDialog({
    title: 'Pocket Reader: save audio as',
    filters: { 'WAV audio': ['wav'] },
    defaultUri: document.isUntitled ? undefined : vscode.Uri.file(path.join(path.dirname(document.uri.fsPath), `${base}.wav`)),
  });
  if (!target) return undefined;
  const parsed = path.parse(target.fsPath);
  try {
    // Still never overwrites: an existing name gets a -2 suffix rather than being replaced.
    return await create(parsed.dir, parsed.name);
  } catch (err) {
    svc.errors.report(err);
    return undefined;
  }
}
