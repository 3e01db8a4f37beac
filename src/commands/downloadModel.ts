// Downloads (or completes and verifies) the speech model for the active document's language into extension storage.
import * as vscode from 'vscode';
import { LANGUAGE_NAMES } from '../text/language/codes';
import { readConfig } from '../ui/config';
import { openSettings, USE_DOWNLOADED } from '../ui/errorMessages';
import { runAction } from '../ui/errorReport';
import { activeLanguage } from '../ui/readTarget';
import type { Command } from './command';
import { CommandId } from './ids';

export const downloadModel: Command = {
  id: CommandId.DownloadModel,
  execute: async (svc) => {
    const { language } = await activeLanguage(readConfig());
    const name = LANGUAGE_NAMES[language].english;
    try {
      if (!(await svc.models.downloadFor(language))) return false;
    } catch (err) {
      svc.errors.report(err);
      return false;
    }
    svc.setup.prompt.recheck();
    const folder = svc.models.localFolderFor(language);
    if (!folder) {
      void vscode.window.showInformationMessage(`Pocket Reader: the ${name} speech model is ready.`);
      return true;
    }
    // The download is not what reads while a local folder serves this language: say so, and offer the switch.
    const actions = [USE_DOWNLOADED, openSettings('pocketReader.modelPath')];
    void vscode.window
      .showInformationMessage(`Pocket Reader: the ${name} speech model is downloaded, but the model folder ${folder} (pocketReader.modelPath) is still used.`, ...actions.map((a) => a.title))
      .then((pick) => {
        const a = actions.find((x) => x.title === pick);
        if (a) runAction(a);
      });
    return true;
  },
};
