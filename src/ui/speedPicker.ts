/** Speed presets 0.5–3× (pitch-preserving) plus a custom value; saved to `pocketReader.speed`. */
import * as vscode from 'vscode';
import { MAX_SPEED, MIN_SPEED } from '../audio/timeStretch';
import { readConfig, updateGlobal } from './config';

const PRESETS = [0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];

export function parseSpeed(text: string): number | undefined {
  const v = Number(text.trim().replace(/[x×]$/i, ''));
  return Number.isFinite(v) && v >= MIN_SPEED && v <= MAX_SPEED ? v : undefined;
}

/** Resolves with the new speed, or undefined if the user cancelled. A speed argument skips the UI. */
export async function setSpeed(value?: number): Promise<number | undefined> {
  let speed = typeof value === 'number' ? parseSpeed(String(value)) : undefined;
  if (speed === undefined) {
    const current = readConfig().speed;
    const items = [...PRESETS.map((s) => ({ label: `${s}×`, description: s === current ? 'current' : undefined, speed: s })), { label: 'Other…', speed: NaN }];
    const pick = await vscode.window.showQuickPick(items, { title: 'Pocket Reader: playback speed (pitch is preserved)' });
    if (!pick) return undefined;
    speed = pick.speed;
    if (Number.isNaN(speed)) {
      const typed = await vscode.window.showInputBox({
        title: `Playback speed (${MIN_SPEED}–${MAX_SPEED})`,
        value: String(current),
        validateInput: (t) => (parseSpeed(t) === undefined ? `Enter a number from ${MIN_SPEED} to ${MAX_SPEED}` : undefined),
      });
      speed = typed === undefined ? undefined : parseSpeed(typed);
    }
  }
  if (speed === undefined) return undefined;
  await updateGlobal('speed', speed);
  return speed;
}
