/**
 * Speed presets 0.5–3× (pitch-preserving) plus a custom value; saved to `pocketReader.speed`. The picker opens on
 * the current speed, marked, so Enter keeps it.
 */
import * as vscode from 'vscode';
import { MAX_SPEED, MIN_SPEED } from '../audio/timeStretch';
import { readConfig, updateGlobal } from './config';
import { pickOne } from './quickPick';

const PRESETS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];

interface SpeedItem extends vscode.QuickPickItem {
  /** NaN for "Other…". */
  speed: number;
}

export function parseSpeed(text: string): number | undefined {
  const v = Number(text.trim().replace(/[x×]$/i, ''));
  return Number.isFinite(v) && v >= MIN_SPEED && v <= MAX_SPEED ? v : undefined;
}

/** The presets, plus the current speed in order when it is a custom one; the current one is marked. */
export function speedItems(current: number): SpeedItem[] {
  const speeds = PRESETS.includes(current) ? PRESETS : [...PRESETS, current].sort((a, b) => a - b);
  return [
    ...speeds.map((s) => ({ label: `${s}×`, description: s === current ? '$(check) current' : undefined, speed: s })),
    { label: 'Other…', description: `${MIN_SPEED}–${MAX_SPEED}×`, speed: NaN },
  ];
}

/** Resolves with the new speed, or undefined if the user cancelled. A speed argument skips the UI. */
export async function setSpeed(value?: number): Promise<number | undefined> {
  let speed = typeof value === 'number' ? parseSpeed(String(value)) : undefined;
  if (speed === undefined) {
    const current = readConfig().speed;
    const items = speedItems(current);
    const pick = await pickOne(items, { title: 'Pocket Reader: playback speed (pitch is preserved)', placeholder: `current: ${current}×`, active: items.find((i) => i.speed === current) });
    if (!pick) return undefined;
    speed = pick.speed;
    if (Number.isNaN(speed)) {
      const typed = await vscode.window.showInputBox({
        title: `Pocket Reader: playback speed (${MIN_SPEED}–${MAX_SPEED})`,
        value: String(current),
        validateInput: (t) => (parseSpeed(t) === undefined ? `Enter a number from ${MIN_SPEED} to ${MAX_SPEED}` : undefined),
      });
      speed = typed === undefined ? undefined : parseSpeed(typed);
    }
  }
  if (speed === undefined) return undefined;
  if (speed !== readConfig().speed) await updateGlobal('speed', speed);
  return speed;
}
