// extensionTestsPath entry: VS Code (code-server's extension host) calls run() after loading this bundle, which also
// contains every test/vscode/suite/*.test.ts (see test/vscode/run.mjs). A rejection here makes the workbench call
// codeAutomationExit(1). The counts go back to run.mjs through the JSON file named by POCKET_READER_VSCODE_RESULT.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { registeredTests, SkipError, type TestCase } from './harness';

function withTimeout(t: TestCase): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs);
  });
  return Promise.race([Promise.resolve().then(t.fn), timeout]).finally(() => clearTimeout(timer));
}

export async function run(): Promise<void> {
  const resultFile = process.env.POCKET_READER_VSCODE_RESULT;
  const grep = (process.env.POCKET_READER_VSCODE_GREP ?? '').split('|').filter(Boolean);
  const all = registeredTests();
  const tests = all.filter((t) => grep.length === 0 || grep.some((g) => `${t.file}: ${t.name}`.includes(g)));
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures: string[] = [];
  console.log(`extension-host tests: ${tests.length} of ${all.length} selected (VS Code ${vscode.version}, Node ${process.versions.node})`);
  if (tests.length === 0) {
    if (resultFile) writeFileSync(resultFile, JSON.stringify({ passed: 0, failed: 1, skipped: 0, failures: ['no tests selected'] }));
    throw new Error(grep.length ? `no extension-host test matches ${grep.join(' | ')}` : 'no extension-host tests registered');
  }
  let file = '';
  for (const t of tests) {
    if (t.file !== file) {
      file = t.file;
      console.log(file);
    }
    const t0 = Date.now();
    try {
      await withTimeout(t);
      passed++;
      console.log(`  ✔ ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      if (e instanceof SkipError) {
        skipped++;
        console.log(`  - ${t.name} (skipped: ${e.message})`);
        continue;
      }
      failed++;
      failures.push(t.name);
      const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.error(`  ✘ ${t.name} (${Date.now() - t0} ms)\n${detail.replace(/^/gm, '      ')}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (resultFile) writeFileSync(resultFile, JSON.stringify({ passed, failed, skipped, failures }));
  else {
    failed++;
    console.error('POCKET_READER_VSCODE_RESULT is not set in the extension host: the counts cannot be reported back');
  }
  if (failed > 0) throw new Error(`${failed} extension-host test(s) failed${failures.length ? `: ${failures.join('; ')}` : ''}`);
}
