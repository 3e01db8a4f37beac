// Downloads (or completes and verifies) the speech model into extension storage.
import * as vscode from 'vscode';
import type { Command } from './command';
import { CommandId } from './ids';

export const downloadModel: Command = {
  id: CommandId.DownloadModel,
  execute: async (svc) => {
    try {
      if (await svc.models.download()) {
        void vscode.window.showInformationMessage('Pocket Reader: the speech model is ready.');
        return true;
      }
    } catch (err) {
      svc.errors.report(err);
    }
    return false;
  },
};
