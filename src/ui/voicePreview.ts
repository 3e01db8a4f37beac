/** Plays a sample sentence in one of the user's voices (made with the English model), with a notification to stop it; any reading stops first. */
import * as vscode from 'vscode';
import { isCancelled } from '../shared/errors';
import { readConfig } from './config';
import { synthesisOptions } from './engineHost';
import type { Services } from './services';

export const PREVIEW_TEXT = 'Hello! This is how I sound when Pocket Reader reads your text aloud.';

export async function previewVoice(svc: Services, voice: string, label: string): Promise<void> {
  await svc.reader.stop();
  const modelDir = (await svc.setup.ensureReady('en'))?.modelDir;
  if (!modelDir) return;
  const cfg = readConfig();
  const output = await svc.audio.choose(cfg.player);
  if (output.kind === 'webview') await svc.view.wake();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Pocket Reader: previewing “${label}”`, cancellable: true },
    async (_progress, token) => {
      const sink = svc.audio.createSink(output);
      const handle = svc.engine.synthesizer(modelDir, cfg).synthesize(PREVIEW_TEXT, { ...synthesisOptions(cfg, 'en'), voice });
      const stop = token.onCancellationRequested(() => {
        handle.cancel();
        void sink.stop();
      });
      try {
        for await (const chunk of handle) await sink.write(chunk.pcm);
        await handle.done;
        await sink.finish();
      } catch (err) {
        await sink.stop();
        if (!token.isCancellationRequested && !isCancelled(err)) throw err;
      } finally {
        stop.dispose();
      }
    },
  );
}
