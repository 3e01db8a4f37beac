/** Points the extension at the tiny test model with known playback settings (user scope, as a person would). */
import * as vscode from 'vscode';
import type { ReaderTestState } from '../../../src/ui/reader';

export type { ReaderTestState };

export async function useTinyModel(modelDir: string): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  await cfg.update('modelPath', modelDir, vscode.ConfigurationTarget.Global);
  await cfg.update('voice', 'alba', vscode.ConfigurationTarget.Global);
  await cfg.update('player', 'auto', vscode.ConfigurationTarget.Global);
  await cfg.update('speed', 1, vscode.ConfigurationTarget.Global);
}
