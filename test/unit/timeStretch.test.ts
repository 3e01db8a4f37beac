import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TimeStretcher } from '../../src/audio/timeStretch';

const RATE = 24000;
const root = path.join(__dirname, '..', '..');

function sine(freq: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(RATE * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / RATE));
}

/** Frequency from rising zero crossings over the middle 80 % (edges carry Sonic's ramp-in/flush). */
function zeroCrossingHz(pcm: Float32Array): number {
  const a = Math.floor(pcm.length * 0.1);
  const b = Math.floor(pcm.length * 0.9);
  let n = 0;
  for (let i = a + 1; i < b; i++) if (pcm[i - 1]! < 0 && pcm[i]! >= 0) n++;
  return n / ((b - a) / RATE);
}

/** Stretch in 80 ms chunks, as the engine delivers them. */
function stretchStreamed(st: TimeStretcher, pcm: Float32Array): Float32Array {
  const parts: Float32Array[] = [];
  for (let i = 0; i < pcm.length; i += 1920) parts.push(st.process(pcm.subarray(i, i + 1920)));
  parts.push(st.flush());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

for (const speed of [2, 0.5, 1.5, 3]) {
  test(`speed ${speed}× scales duration by 1/${speed} (±10 %) and keeps a 440 Hz pitch`, async () => {
    const input = sine(440, 2);
    const st = await TimeStretcher.create(speed, RATE);
    const out = stretchStreamed(st, input);
    st.dispose();
    const ratio = out.length / (input.length / speed);
    assert.ok(Math.abs(ratio - 1) <= 0.1, `duration ratio ${ratio.toFixed(3)} (got ${out.length} samples)`);
    const hz = zeroCrossingHz(out);
    assert.ok(Math.abs(hz - 440) < 440 * 0.03, `pitch ${hz.toFixed(1)} Hz`);
  });
}

test('speed 1 is a passthrough (same samples, no Sonic)', async () => {
  const st = await TimeStretcher.create(1);
  const x = sine(440, 0.1);
  assert.equal(st.process(x), x);
  assert.equal(st.flush().length, 0);
});

test('speeds outside 0.5–3 are refused', async () => {
  await assert.rejects(TimeStretcher.create(0.25), RangeError);
  await assert.rejects(TimeStretcher.create(4), RangeError);
});

test('works after esbuild bundling into a CJS file run by plain Node', () => {
  // The bundle must sit under the project so node_modules/@echogarden/sonic-wasm resolves, as dist/ does.
  const cache = path.join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'pr-sonic-bundle-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    const rel = path.relative(dir, path.join(root, 'src', 'audio', 'timeStretch')).split(path.sep).join('/');
    writeFileSync(entry, `import { TimeStretcher } from '${rel}';
TimeStretcher.create(2).then((st) => {
  const x = Float32Array.from({ length: 24000 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 24000));
  const n = st.process(x).length + st.flush().length;
  console.log(JSON.stringify({ n }));
}, (e) => { console.error(e); process.exit(1); });
`);
    const out = path.join(dir, 'bundle.cjs');
    const esbuild = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'esbuild.cmd' : 'esbuild');
    const b = spawnSync(esbuild, [entry, '--bundle', '--platform=node', '--format=cjs', '--target=node20', `--outfile=${out}`, '--log-level=error'], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    const r = spawnSync(process.execPath, [out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { n } = JSON.parse(r.stdout) as { n: number };
    assert.ok(Math.abs(n - 12000) < 1200, `bundled stretch gave ${n} samples`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
