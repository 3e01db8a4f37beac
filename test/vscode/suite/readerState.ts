/** The reader as the extension's test hook reports it, and a poll for a state to come. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReaderTestState } from './settings';

export const state = async () => (await vscode.commands.executeCommand<ReaderTestState>('pocketReader._testState'))!;

export async function waitFor(what: string, pred: (s: ReaderTestState) => boolean, timeoutMs = 60_000): Promise<ReaderTestState> {
  const t0 = Date.now();
  let s = await state();
  while (!pred(s)) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}; last state ${JSON.stringify({ ...s, lastRead: s.lastRead.length, log: s.log.slice(-8) })}`);
    await new Promise((r) => setTimeout(r, 50));
    s = await state();
  }
  return s;
}
