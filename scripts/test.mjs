// The one test command: builds, generates the tiny test model if needed, runs the unit/engine tests with
// node's test runner (after a strict type check), then the integration tests inside a real VS Code extension host.
// Ends with a single `N passed, N failed` line summing both parts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.find((a) => a === '--unit' || a === '--vscode');
const filters = args.filter((a) => !a.startsWith('--'));

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findTests(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

if (run(process.execPath, ['scripts/build.mjs', '--quiet']) !== 0) process.exit(1);
if (run(process.execPath, ['scripts/ensure-tiny-model.mjs']) !== 0) process.exit(1);

let passed = 0;
let failed = 0;

if (only !== '--vscode' && filters.length === 0) {
  // esbuild strips types without checking them: the strict type check counts as one test of the full run.
  const ok = run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.']) === 0;
  console.log(`typecheck: ${ok ? 'ok' : 'FAILED'}`);
  if (ok) passed += 1;
  else failed += 1;
}

if (only !== '--vscode') {
  const files = findTests(path.join(root, 'test', 'unit')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  const tmp = mkdtempSync(path.join(tmpdir(), 'pr-test-'));
  const tap = path.join(tmp, 'report.tap');
  if (files.length > 0) {
    const status = run(process.execPath, [
      '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files,
    ], { env: { ...process.env, POCKET_READER_GRAPH_CACHE: path.join(tmp, 'graphs') } }); // a cold graph cache per run
    const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const count = (k) => Number((report.match(new RegExp(`^# ${k} (\\d+)`, 'm')) || [])[1] || 0);
    passed += count('pass');
    failed += count('fail') + count('cancelled');
    // A runner that died or ended without a summary is a failure even if the counted tests passed.
    if (status !== 0 && count('fail') + count('cancelled') === 0) failed += 1;
    if (!/^# pass \d+/m.test(report)) failed += 1;
  }
  rmSync(tmp, { recursive: true, force: true });
}

if (only !== '--unit') {
  const runner = path.join(root, 'test', 'vscode', 'run.mjs');
  if (existsSync(runner)) {
    const tmp = mkdtempSync(path.join(tmpdir(), 'pr-vsc-'));
    const result = path.join(tmp, 'result.json');
    const status = run(process.execPath, [runner], { env: { ...process.env, POCKET_READER_RESULT: result } });
    if (existsSync(result)) {
      const r = JSON.parse(readFileSync(result, 'utf8'));
      passed += r.passed;
      failed += r.failed;
      if (r.skipped) console.log(`extension-host tests skipped: ${r.skipped}`);
    } else if (status !== 0) {
      failed += 1;
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
