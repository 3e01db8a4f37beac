// Downloads (or completes and verifies) the speech model for the active document's language into extension storage.
import * as vscode from 'vscode';
import { LANGUAGE_NAMES } from '../text/language/codes';
import { readConfig } from '../ui/config';
import { activeLanguage } from '../ui/readTarget';
import type { Command } from './command';
import { CommandId } from './ids';

export const downloadModel: Command = {
  id: CommandId.DownloadModel,
  execute: async (svc) => {
    try {
      const { language } = await activeLanguage(readConfig());
      if (await svc.models.downloadFor(language)) {
        void vscode.window.showInformationMessage(`Pocket Reader: the ${LANGUAGE_NAMES[language].english} speech model is ready.`);
        return true;
      }
    } catch (err) {
      svc.errors.report(err);
    }
    return false;
  },
};
