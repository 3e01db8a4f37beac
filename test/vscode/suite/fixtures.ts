// Shared steps of the extension-host tests: commands, settings, the tiny model and copies of it (the reader's test
// state and polling are in readerState.ts, re-exported here).
import dns from 'node:dns';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { skip } from './harness';
import { useTinyModel } from './settings';

export { state, waitFor } from './readerState';

export const EXTENSION_ID = 'pocket-reader.pocket-reader';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(`pocketReader.${id}`, ...args);
export const setting = <T>(key: string) => vscode.workspace.getConfiguration('pocketReader').get<T>(key);
export const setSetting = (key: string, value: unknown) => vscode.workspace.getConfiguration('pocketReader').update(key, value, vscode.ConfigurationTarget.Global);

/** The activated extension's tiny model folder, set as the model with known settings; skips when it cannot play. */
export async function tinyModel(): Promise<string> {
  if (!process.env.PULSE_SERVER) skip('no PULSE_SERVER (null sink not started)');
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  await ext.activate();
  const model = path.join(ext.extensionPath, 'models', 'generated', 'tiny');
  if (!existsSync(path.join(model, 'bundle.json'))) skip(`tiny model not generated at ${model}`);
  await useTinyModel(model);
  return model;
}

/** A copy of the tiny model's files (not its reference outputs) in a temp folder, for tests that change it. */
export function copyModel(model: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-model-'));
  for (const sub of ['.', 'voices']) {
    mkdirSync(path.join(dir, sub), { recursive: true });
    for (const f of readdirSync(path.join(model, sub))) {
      const from = path.join(model, sub, f);
      if (statSync(from).isFile()) copyFileSync(from, path.join(dir, sub, f));
    }
  }
  return dir;
}

export async function openFile(file: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
}

/**
 * No network, as on a plane: every host name but the loopback fails to resolve (ENOTFOUND), whether or not this
 * machine is online. Returns the function that restores the real lookup.
 */
export function goOffline(): () => void {
  const real = dns.lookup;
  const fake = (host: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (err: Error | null, ...rest: unknown[]) => void;
    if (host === 'localhost' || host.startsWith('127.')) return (real as (...a: unknown[]) => void)(host, options, callback);
    const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host });
    process.nextTick(() => cb(err));
  };
  (dns as { lookup: unknown }).lookup = fake;
  return () => {
    (dns as { lookup: unknown }).lookup = real;
  };
}
