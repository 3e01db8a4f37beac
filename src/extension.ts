/**
 * Entry point: builds the services, registers the commands and follows settings changes. Activation is lazy (on
 * the first command); the engine process starts only when something is read.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { AudioOutput } from './ui/audioOutput';
import { readConfig, SECTION } from './ui/config';
import { EngineHost } from './ui/engineHost';
import { ErrorReporter } from './ui/errorReport';
import { Log } from './ui/log';
import { ActiveVoice } from './ui/activeVoice';
import { ModelManager } from './ui/modelManager';
import { ModelPrompt } from './ui/modelPrompt';
import { ModelSetup } from './ui/modelSetup';
import { PlayerView } from './ui/playerView';
import { Reader } from './ui/reader';
import type { Services } from './ui/services';
import { shutdown } from './ui/shutdown';
import { PlayerStatus } from './ui/statusBar';

let services: Services | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  const line = (l: string) => log.line(l);
  const models = new ModelManager(context.globalStorageUri, line);
  const view = new PlayerView(context.extensionUri, line);
  const errors = new ErrorReporter(line);
  const svc = {
    context,
    log,
    errors,
    engine: new EngineHost(line, undefined, () => models.coremlDir),
    models,
    setup: new ModelSetup(models, new ModelPrompt(), new ActiveVoice(line), errors, line),
    audio: new AudioOutput(line, view, context.extension.extensionKind),
    status: new PlayerStatus(),
    view,
  } as Omit<Services, 'reader'> as Services;
  svc.reader = new Reader(svc);
  services = svc;

  context.subscriptions.push(
    log,
    svc.status,
    view,
    svc.setup.prompt,
    svc.reader,
    registerCommands(svc),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.speed`)) svc.reader.setSpeed(readConfig().speed);
      if (e.affectsConfiguration(`${SECTION}.player`)) svc.audio.forget();
      // A reading waiting on a model question looks again: the new folder may be the answer.
      if (e.affectsConfiguration(`${SECTION}.modelPath`)) svc.setup.prompt.recheck();
    }),
  );
  const where = [vscode.env.uiKind === vscode.UIKind.Web && 'web UI', vscode.env.remoteName && `remote ${vscode.env.remoteName}`].filter(Boolean).join(', ');
  log.line(`activated (VS Code ${vscode.version}, Node ${process.versions.node}, ${process.platform}-${process.arch}${where ? `, ${where}` : ''})`);
}

/** Silences the player and ends the engine process (its runtime released first), so nothing of ours outlives us. */
export async function deactivate(): Promise<void> {
  if (services) await shutdown(services);
  services = undefined;
}
