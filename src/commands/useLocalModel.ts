// Points pocketReader.modelPath at a local model folder (offline and air-gapped installs).
import * as vscode from 'vscode';
import type { Command } from './command';
import { CommandId } from './ids';

export const useLocalModel: Command = {
  id: CommandId.UseLocalModel,
  execute: async (svc) => {
    try {
      const folder = await svc.models.pickLocalFolder();
      if (!folder) return undefined;
      svc.setup.prompt.recheck();
      void vscode.window.showInformationMessage(`Pocket Reader: using the model in ${folder}.`);
      return folder;
    } catch (err) {
      svc.errors.report(err, { localFolder: true });
      return undefined;
    }
  },
};
