// Reads and clicks of the workbench UI a user sees (notifications, status bar, quick picks) through the page driver.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { page } from './page';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `expression` in the workbench page until `ok(value)`; fails with the last value. */
export async function waitForPage<T>(what: string, expression: string, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  let v = await page.eval<T>(expression);
  while (!ok(v)) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await sleep(150);
    v = await page.eval<T>(expression);
  }
  return v;
}

export interface Notice {
  message: string;
  buttons: string[];
}

// The test workbench runs with the smoke-test driver, which never shows notification toasts: notifications are
// read and answered in the notification center (the bell), as a user does once a toast has hidden.
const ITEMS = `[...document.querySelectorAll('.notifications-center .notification-list-item')]`;
const NOTICES = `${ITEMS}.map((t) => ({
  message: t.querySelector('.notification-list-item-message')?.textContent ?? '',
  buttons: [...t.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) => b.textContent ?? ''),
}))`;
const itemWith = (text: string) => `${ITEMS}.find((t) => (t.querySelector('.notification-list-item-message')?.textContent ?? '').includes(${JSON.stringify(text)}))`;

/** Shows the notification center and waits for the (newest) notification whose message includes `text`. */
export async function waitForNotification(text: string, timeoutMs = 30_000): Promise<Notice> {
  await vscode.commands.executeCommand('notifications.showList');
  const all = await waitForPage<Notice[]>(`a notification saying "${text}"`, NOTICES, (ns) => ns.some((n) => n.message.includes(text)), timeoutMs);
  return all.find((n) => n.message.includes(text))!;
}

export const notifications = () => page.eval<Notice[]>(NOTICES);

/** Empties the notification center (closing a notification answers it with nothing). */
export async function clearNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('notifications.hideList');
}

/** Marks the first element matched by `finder` (a JS expression yielding an Element) and clicks it like a user. */
async function clickFound(what: string, finder: string): Promise<void> {
  const found = await page.eval<boolean>(`(() => { document.querySelectorAll('[data-pr-click]').forEach((e) => e.removeAttribute('data-pr-click')); const e = ${finder}; if (!e) return false; e.setAttribute('data-pr-click', '1'); return true; })()`);
  assert.ok(found, `${what} is not on the page`);
  await page.click('[data-pr-click="1"]');
}

export function clickNotificationButton(text: string, button: string): Promise<void> {
  return clickFound(
    `the "${button}" button of the notification "${text}"`,
    `[...(${itemWith(text)}?.querySelectorAll('.notification-list-item-buttons-container .monaco-button') ?? [])].find((b) => b.textContent === ${JSON.stringify(button)})`,
  );
}

/** Dismisses the notification as a user does from the keyboard: select it, press Delete ("Clear Notification"). */
export async function dismissNotification(text: string): Promise<void> {
  await clickFound(`the notification "${text}"`, `${itemWith(text)}?.querySelector('.notification-list-item-message')`);
  await page.press('Delete');
}

/** Text of the status bar entry whose id ends with `.${id}` (extension entries are `<extension id>.<item id>`), or undefined. */
export const statusItem = (id: string) => page.eval<string | undefined>(`[...document.querySelectorAll('.statusbar-item')].find((e) => e.id.endsWith(${JSON.stringify(`.${id}`)}))?.textContent?.trim()`);

export function clickStatusItem(id: string): Promise<void> {
  return clickFound(`the status bar entry ${id}`, `[...document.querySelectorAll('.statusbar-item')].find((e) => e.id.endsWith(${JSON.stringify(`.${id}`)}))?.querySelector('a') ?? null`);
}

export interface Row {
  label: string;
  description: string;
  focused: boolean;
}

const ROWS = `(() => {
  const w = document.querySelector('.quick-input-widget');
  if (!w || w.style.display === 'none') return [];
  return [...w.querySelectorAll('.monaco-list-row')].map((r) => ({
    label: r.querySelector('.quick-input-list-label .label-name, .monaco-icon-name-container')?.textContent?.trim() ?? '',
    description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
    focused: r.classList.contains('focused'),
  }));
})()`;

/** The rows of the open quick pick (only those rendered: a long list is virtualised). */
export const waitForQuickPick = (what: string, ok: (rows: Row[]) => boolean = (r) => r.length > 0) => waitForPage<Row[]>(what, ROWS, ok);

export function clickQuickPickRow(label: string): Promise<void> {
  return clickFound(
    `the quick pick row "${label}"`,
    `[...document.querySelectorAll('.quick-input-widget .monaco-list-row')].find((r) => (r.querySelector('.quick-input-list-label .label-name, .monaco-icon-name-container')?.textContent?.trim() ?? '') === ${JSON.stringify(label)})`,
  );
}
