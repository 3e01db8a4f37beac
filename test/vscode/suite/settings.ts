/** Points the extension at the tiny test model with known playback settings (user scope, as a person would). */
import * as vscode from 'vscode';
import type { ReaderTestState } from '../../../src/ui/reader';

export type { ReaderTestState };

export async function useTinyModel(modelDir: string, player = 'pacat'): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  await cfg.update('modelPath', modelDir, vscode.ConfigurationTarget.Global);
  await cfg.update('voice', 'alba', vscode.ConfigurationTarget.Global);
  await usePlayer(player);
  await cfg.update('speed', 1, vscode.ConfigurationTarget.Global);
}

/**
 * The rig is a browser window, so `auto` plays in the player view (webview.test.ts); the other tests watch the player
 * process, so they name one: pacat plays into the run's PulseAudio null sink.
 */
export async function usePlayer(player: string): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  if (cfg.get('player') !== player) await cfg.update('player', player, vscode.ConfigurationTarget.Global);
}
