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
import { ModelManager } from './ui/modelManager';
import { Reader } from './ui/reader';
import type { Services } from './ui/services';
import { shutdown } from './ui/shutdown';
import { PlayerStatus } from './ui/statusBar';

let services: Services | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  const line = (l: string) => log.line(l);
  const models = new ModelManager(context.globalStorageUri, line);
  const svc = {
    context,
    log,
    errors: new ErrorReporter(line),
    engine: new EngineHost(line, undefined, () => models.coremlDir),
    models,
    audio: new AudioOutput(line),
    status: new PlayerStatus(),
  } as Omit<Services, 'reader'> as Services;
  svc.reader = new Reader(svc);
  services = svc;

  context.subscriptions.push(
    log,
    svc.status,
    svc.reader,
    registerCommands(svc),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.speed`)) svc.reader.setSpeed(readConfig().speed);
      if (e.affectsConfiguration(`${SECTION}.player`)) svc.audio.forget();
    }),
  );
  log.line(`activated (VS Code ${vscode.version}, Node ${process.versions.node}, ${process.platform}-${process.arch}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})`);
}

/** Silences the player and ends the engine process (its runtime released first), so nothing of ours outlives us. */
export async function deactivate(): Promise<void> {
  if (services) await shutdown(services);
  services = undefined;
}
