// The workbench page as a user sees it, from inside the extension host: clicks, keys, screenshots and reads of the
// DOM (webviews included) through the runner's page driver (test/vscode/pageDriver.mjs).
import path from 'node:path';
import * as vscode from 'vscode';
import { skip } from './harness';

/** Selects a frame: the first one containing `hasSelector` and/or whose URL includes `urlIncludes`. */
export interface FrameSpec {
  hasSelector?: string;
  urlIncludes?: string;
  name?: string;
}

async function call<T>(route: string, body: object): Promise<T> {
  const base = process.env.POCKET_READER_PAGE_DRIVER;
  if (!base) skip('no page driver (POCKET_READER_PAGE_DRIVER unset)');
  const res = await fetch(`${base}${route}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`page driver ${route}: ${json.error}`);
  return json;
}

export const page = {
  click: (selector: string, frame?: FrameSpec, timeoutMs?: number) => call('/click', { selector, frame, timeoutMs }),
  press: (keys: string, frame?: FrameSpec, selector?: string) => call('/press', { keys, frame, selector }),
  /** Types into whatever has the keyboard focus, as a user would, key by key. */
  type: (text: string) => call('/type', { text }),
  /** Pastes into whatever has the keyboard focus: one input event, no per-key autocompletion. */
  paste: (text: string) => call('/type', { text, paste: true }),
  eval: async <T>(expression: string, frame?: FrameSpec, timeoutMs?: number) => (await call<{ value: T }>('/eval', { expression, frame, timeoutMs })).value,
  frames: async () => (await call<{ frames: { url: string; name: string }[] }>('/frames', {})).frames,
  /** Saves a PNG under $POCKET_READER_SCREENSHOTS (default out/screenshots) and returns its path. */
  screenshot: async (name: string) => {
    const dir = process.env.POCKET_READER_SCREENSHOTS || path.join(process.cwd(), 'out', 'screenshots');
    const file = path.join(dir, `${name}.png`);
    await call('/screenshot', { file });
    return file;
  },
};

export const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern', highContrast: 'Default High Contrast' } as const;

/** Switches the colour theme (user setting) and gives the workbench a moment to repaint. */
export async function useTheme(theme: keyof typeof THEMES): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', THEMES[theme], vscode.ConfigurationTarget.Global);
  await new Promise((r) => setTimeout(r, 400));
}

/** One screenshot per theme (light, dark, high contrast), named `<name>-<theme>`; restores the dark theme after. */
export async function screenshotThemes(name: string, prepare?: () => Promise<void>): Promise<string[]> {
  const files: string[] = [];
  for (const theme of Object.keys(THEMES) as (keyof typeof THEMES)[]) {
    await useTheme(theme);
    await prepare?.();
    files.push(await page.screenshot(`${name}-${theme}`));
  }
  await useTheme('dark');
  return files;
}
