// Switches from a local model folder back to the downloaded model, downloading it if needed.
import * as vscode from 'vscode';
import type { Command } from './command';
import { CommandId } from './ids';
import { readConfig } from '../ui/config';

export const useDownloadedModel: Command = {
  id: CommandId.UseDownloadedModel,
  execute: async (svc) => {
    if (readConfig().modelPath) await svc.models.useDownloaded();
    try {
      const missing = await svc.models.managedProblems(readConfig().voice);
      if (missing.length > 0 && !(await svc.models.download())) return false;
    } catch (err) {
      svc.errors.report(err);
      return false;
    }
    svc.setup.prompt.recheck();
    void vscode.window.showInformationMessage('Pocket Reader: using the downloaded speech model.');
    return true;
  },
};
