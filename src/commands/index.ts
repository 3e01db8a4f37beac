/** Registers every command; the test hooks only when the extension runs in development or test mode. */
import * as vscode from 'vscode';
import type { Services } from '../ui/services';
import { answerModelPrompt } from './answerModelPrompt';
import type { Command } from './command';
import { chooseVoice } from './chooseVoice';
import { createVoice } from './createVoice';
import { downloadModel } from './downloadModel';
import { manageVoices } from './manageVoices';
import { nextSentence } from './nextSentence';
import { previousSentence } from './previousSentence';
import { readComments } from './readComments';
import { readDocument } from './readDocument';
import { readFromCursor } from './readFromCursor';
import { readSelection } from './readSelection';
import { saveAudio } from './saveAudio';
import { setSpeed } from './setSpeed';
import { showLog } from './showLog';
import { stop } from './stop';
import { testCreateVoice, testEngine, testShutdown, testState } from './testHooks';
import { togglePause } from './togglePause';
import { useDownloadedModel } from './useDownloadedModel';
import { useLocalModel } from './useLocalModel';

const publicCommands: Command[] = [
  readSelection, readDocument, readFromCursor, readComments, stop, togglePause, nextSentence, previousSentence,
  saveAudio, chooseVoice, createVoice, manageVoices, setSpeed, downloadModel, useLocalModel, useDownloadedModel, showLog,
  answerModelPrompt, // not contributed: the click of the "model needed" status bar entry
];

export function registerCommands(svc: Services): vscode.Disposable {
  const commands = [...publicCommands];
  if (svc.context.extensionMode !== vscode.ExtensionMode.Production) commands.push(testState, testEngine, testShutdown, testCreateVoice);
  return vscode.Disposable.from(...commands.map((c) => vscode.commands.registerCommand(c.id, (...args: unknown[]) => c.execute(svc, ...args))));
}
