// Downloads (or completes and verifies) the speech model into extension storage.
import * as vscode from 'vscode';
import type { Command } from './command';
import { CommandId } from './ids';
import { openSettings, USE_DOWNLOADED } from '../ui/errorMessages';
import { runAction } from '../ui/errorReport';
import { readConfig } from '../ui/config';

export const downloadModel: Command = {
  id: CommandId.DownloadModel,
  execute: async (svc) => {
    try {
      if (!(await svc.models.download())) return false;
    } catch (err) {
      svc.errors.report(err);
      return false;
    }
    svc.setup.prompt.recheck();
    const folder = readConfig().modelPath;
    if (!folder) {
      void vscode.window.showInformationMessage('Pocket Reader: the speech model is ready.');
      return true;
    }
    // The download is not what reads while a local folder is set: say so, and offer the switch.
    const actions = [USE_DOWNLOADED, openSettings('pocketReader.modelPath')];
    void vscode.window
      .showInformationMessage(`Pocket Reader: the speech model is downloaded, but the model folder ${folder} (pocketReader.modelPath) is still used.`, ...actions.map((a) => a.title))
      .then((pick) => {
        const a = actions.find((x) => x.title === pick);
        if (a) runAction(a);
      });
    return true;
  },
};
