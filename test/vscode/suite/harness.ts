// A tiny test registry for the extension-host suite (mocha is not a dependency). Suite files call test(name, fn);
// index.ts runs everything that was registered. All suite files are bundled into one module, so this array is shared.
export type TestFn = () => unknown | Promise<unknown>;

export interface TestCase {
  name: string;
  /** suite file that registered it, e.g. smoke.test.ts */
  file: string;
  fn: TestFn;
  timeoutMs: number;
}

const registered: TestCase[] = [];
let currentFile = '';

/** Called by the generated bundle entry before each suite file is loaded. */
export function setCurrentFile(file: string): void {
  currentFile = file;
}

/** Registers a test; it passes unless fn throws/rejects or exceeds timeoutMs (default 30 s). */
export function test(name: string, fn: TestFn, options: { timeoutMs?: number } = {}): void {
  if (registered.some((t) => t.name === name)) throw new Error(`duplicate test name: ${name}`);
  registered.push({ name, file: currentFile, fn, timeoutMs: options.timeoutMs ?? 30_000 });
}

export class SkipError extends Error {
  override name = 'SkipError';
}

/** Call inside a test to mark it skipped (counted neither as passed nor failed). */
export function skip(reason: string): never {
  throw new SkipError(reason);
}

export function registeredTests(): readonly TestCase[] {
  return registered;
}
