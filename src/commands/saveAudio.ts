// Saves the selection or document as a WAV beside the file (also in the explorer context menu).
import type { Command } from './command';
import { CommandId } from './ids';
import * as vscode from 'vscode';
import { saveAudio as saveAudioNextToFile } from '../ui/saveAudio';
export const saveAudio: Command = {
  id: CommandId.SaveAudio,
  execute: (svc, uri) => saveAudioNextToFile(svc, uri instanceof vscode.Uri ? uri : undefined),
};
