// The engine in its own supervised process (dist/engine-host.js), faults injected for real: SIGKILL and SIGSTOP of
// the engine process, an uncaught exception inside it, a killed parent, idle exit, an unacknowledged cancel, and the
// CLI writing a WAV through an engine kill. Uses the project's tiny model (models/generated/tiny).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { EngineClient, type AudioChunk, type Supervision } from '../../src/client/engineClient';
import { EngineError } from '../../src/shared/errors';
import type { ChunkStats, SynthesisOptions } from '../../src/shared/protocol';
import { distDir, root, skipUnless, tinyModelDir } from '../helpers/paths';

const skip = skipUnless(path.join(tinyModelDir, 'bundle.json'), 'the tiny model (npm run models:tiny)');
const entry = path.join(distDir, 'engine-host.js');
const TEXT =
  'It was a bright cold day in April, and the clocks were striking thirteen. The old man walked slowly along the river, watching the boats. Children were playing in the park while their parents talked. Evening came, and the lights of the town went on one by one.';
const options: SynthesisOptions = { voice: 'alba', temperature: 0, lsdSteps: 1, seed: 7, decodeBatching: 'fixed' };
/** Tight timings so stalls are found in about a second. */
const FAST: Partial<Supervision> = { heartbeatMs: 200, stallMs: 1500, killGraceMs: 300, cancelAckMs: 1000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clients: EngineClient[] = [];
function client(supervision: Partial<Supervision> = FAST, transport?: 'process' | 'thread'): EngineClient {
  const c = new EngineClient({ config: { modelDir: tinyModelDir, backend: 'onnx' }, entry, supervision, transport });
  clients.push(c);
  return c;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<number> {
  const t0 = Date.now();
  while (alive(pid)) {
    if (Date.now() - t0 > withinMs) assert.fail(`engine ${pid} still alive after ${withinMs} ms`);
    await sleep(20);
  }
  return Date.now() - t0;
}

/** Runs a request; `onChunk` may act (kill, stop) on the engine as chunks arrive. */
async function run(c: EngineClient, text: string, opts = options, onChunk?: (ch: AudioChunk, i: number) => void): Promise<{ pcm: Float32Array; stats: ChunkStats; chunks: AudioChunk[] }> {
  const h = c.synthesize(text, opts);
  const chunks: AudioChunk[] = [];
  for await (const ch of h) {
    chunks.push(ch);
    onChunk?.(ch, chunks.length - 1);
  }
  const stats = await h.done;
  const pcm = new Float32Array(chunks.reduce((n, ch) => n + ch.pcm.length, 0));
  let o = 0;
  for (const ch of chunks) (pcm.set(ch.pcm, o), (o += ch.pcm.length));
  return { pcm, stats, chunks };
}

function assertSamePcm(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} samples vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) assert.fail(`${what}: sample ${i} differs (${actual[i]} vs ${expected[i]})`);
}

describe('the supervised engine process', { skip }, () => {
  after(async () => {
    const pids = clients.map((c) => c.pid).filter((p): p is number => !!p);
    await Promise.all(clients.map((c) => c.dispose()));
    for (const pid of pids) await gone(pid, 3000);
  });

  let reference: Float32Array;
  test('an uninterrupted run at temperature 0 (the reference), and a second one is sample-identical', async () => {
    const c = client();
    reference = (await run(c, TEXT)).pcm;
    assert.ok(reference.length > 24000, 'more than a second of audio');
    assertSamePcm((await run(c, TEXT)).pcm, reference, 'a re-run with fixed decode batches');
  });

  test('kill -9 mid-chunk: the stream continues and equals the uninterrupted run sample for sample', async () => {
    const c = client();
    let killed: number | undefined;
    let ofChunk1 = 0;
    const { pcm, stats, chunks } = await run(c, TEXT, options, (ch) => {
      // The second audio piece of text chunk 1: part of that chunk was already delivered.
      if (ch.textChunk === 1 && ++ofChunk1 === 2) process.kill((killed = c.pid!), 'SIGKILL');
    });
    assert.ok(killed, 'the engine was killed mid-chunk');
    assert.equal(stats.restarts, 1);
    assert.notEqual(c.pid, killed, 'a fresh engine process serves the rest');
    assert.ok(!alive(killed));
    assertSamePcm(pcm, reference, 'stitched after a kill');
    chunks.forEach((ch, i) => assert.equal(ch.seq, i, 'seq stays continuous across the restart'));
  });

  test('seeded noise resumes too: at temperature 0.7 a killed run equals an uninterrupted one', async () => {
    const noisy: SynthesisOptions = { ...options, temperature: 0.7, seed: 99 };
    const c = client();
    const clean = (await run(c, TEXT, noisy)).pcm;
    let n = 0;
    const { pcm, stats } = await run(c, TEXT, noisy, () => {
      if (++n === 5) process.kill(c.pid!, 'SIGKILL');
    });
    assert.equal(stats.restarts, 1);
    assertSamePcm(pcm, clean, 'noisy run stitched after a kill');
  });

  test('a SIGSTOPped engine is noticed by the heartbeat, killed and replaced; the request completes', async () => {
    const c = client();
    let stopped: number | undefined;
    const { pcm, stats } = await run(c, TEXT, options, (_ch, i) => {
      if (i === 3) process.kill((stopped = c.pid!), 'SIGSTOP');
    });
    assert.ok(stopped);
    assert.equal(stats.restarts, 1);
    assert.ok(!alive(stopped), 'the stopped engine was killed');
    assertSamePcm(pcm, reference, 'stitched after a stall');
  });

  test('an uncaught fault inside the engine is absorbed: the request resumes and completes', async () => {
    const c = client();
    await c.ensureLoaded();
    const first = c.pid;
    c.simulateCrash(40);
    const { pcm, stats } = await run(c, TEXT);
    assert.equal(stats.restarts, 1);
    assert.notEqual(c.pid, first);
    assertSamePcm(pcm, reference, 'stitched after an uncaught exception');
  });

  test('four deaths within a minute fail the request with ENGINE_FAILED naming Show Log; the next request starts afresh', async () => {
    const c = client();
    const killed = new Set<number>();
    const h = c.synthesize(TEXT + ' ' + TEXT, options);
    const err = await (async () => {
      try {
        for await (const _ of h) {
          const pid = c.pid;
          if (pid && !killed.has(pid)) (killed.add(pid), process.kill(pid, 'SIGKILL'));
        }
      } catch (e) {
        return e as EngineError;
      }
      assert.fail('the request should fail');
    })();
    assert.equal(err.code, 'ENGINE_FAILED');
    assert.match(err.message, /4 times in a minute/);
    assert.match(err.message, /Show Log/);
    assert.equal(killed.size, 4);
    const again = await run(c, 'Back again.');
    assert.ok(again.pcm.length > 0, 'the next request works');
  });

  test('cancel is instant for the caller; an engine that does not acknowledge it within cancelAckMs is replaced', async () => {
    const c = client();
    let stopped: number | undefined;
    const h = c.synthesize(TEXT, options);
    for await (const _ of h) {
      process.kill((stopped = c.pid!), 'SIGSTOP');
      break;
    }
    const t0 = performance.now();
    h.cancel();
    await assert.rejects(h.done, (e: EngineError) => e.code === 'CANCELLED');
    assert.ok(performance.now() - t0 < 50, 'the caller is released at once');
    const took = await gone(stopped!, 4000);
    assert.ok(took >= 500, `killed only after the acknowledgement window (${took} ms)`);
    const again = await run(c, 'Still reading.');
    assert.ok(again.pcm.length > 0);
    assert.notEqual(c.pid, stopped);
  });

  test('a live engine acknowledges a cancel within a step and keeps serving (same process)', async () => {
    const c = client();
    const h = c.synthesize(TEXT, options);
    for await (const _ of h) break;
    const pid = c.pid;
    h.cancel();
    await assert.rejects(h.done);
    await sleep(1500); // longer than the acknowledgement window
    assert.equal(c.pid, pid, 'not restarted');
    assert.ok((await run(c, 'Next one.')).pcm.length > 0);
  });

  test('idle: the engine exits after idleMs without work; the next request starts a new one', async () => {
    const c = client({ ...FAST, idleMs: 400 });
    await run(c, 'Hello there.');
    const pid = c.pid!;
    await gone(pid, 3000);
    assert.equal(c.running, false);
    assert.ok((await run(c, 'Hello again.')).pcm.length > 0);
    assert.notEqual(c.pid, pid);
  });

  test('a killed parent takes its engine along within 2 s (no orphans)', async () => {
    const script = `
      const { EngineClient } = require(${JSON.stringify(path.join(root, 'src', 'client', 'engineClient.ts'))});
      const c = new EngineClient({ config: { modelDir: ${JSON.stringify(tinyModelDir)}, backend: 'onnx' }, entry: ${JSON.stringify(entry)} });
      const h = c.synthesize(${JSON.stringify(TEXT.repeat(4))}, { voice: 'alba', temperature: 0, lsdSteps: 1, seed: 1 });
      (async () => { for await (const _ of h) { console.log('engine ' + c.pid); break; } setInterval(() => {}, 1000); })();`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on('data', (d: Buffer) => {
        const m = /engine (\d+)/.exec(String(d));
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    assert.ok(alive(pid));
    parent.kill('SIGKILL');
    const took = await gone(pid, 2000);
    console.log(`  engine gone ${took} ms after its parent was killed`);
  });

  test('the in-process thread transport (macOS fallback) serves the same audio', async () => {
    const c = client(FAST, 'thread');
    assertSamePcm((await run(c, TEXT)).pcm, reference, 'thread transport');
    assert.equal(c.pid, undefined);
  });
});

describe('say --out through engine faults', { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-say-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const say = (out: string) =>
    spawn(process.execPath, [path.join(distDir, 'say.js'), '--model-dir', tinyModelDir, '--voice', 'alba', '--temperature', '0', '--seed', '3', '--out', out, TEXT + ' ' + TEXT], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  const exit = (p: ReturnType<typeof say>) => new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  /** The engine child of `parent` (found in /proc), once it runs. */
  const engineOf = async (parent: number): Promise<number> => {
    for (let i = 0; i < 500; i++) {
      for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          if (Number(stat.split(') ')[1]!.split(' ')[1]) === parent && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('engine-host.js')) return Number(p);
        } catch {
          /* gone */
        }
      }
      await sleep(10);
    }
    assert.fail('no engine process found');
  };
  /** Waits until the temp WAV has some audio in it. */
  const partialGrown = async (): Promise<void> => {
    for (let i = 0; i < 2000; i++) {
      const f = readdirSync(dir).find((x) => x.endsWith('.partial'));
      if (f && statSync(path.join(dir, f)).size > 44 + 2 * 24000) return;
      await sleep(5);
    }
    assert.fail('the partial WAV never grew');
  };

  test('an engine killed mid-synthesis still yields a WAV identical to an uninterrupted one', async () => {
    const ref = path.join(dir, 'ref.wav');
    assert.equal(await exit(say(ref)), 0);
    const out = path.join(dir, 'out.wav');
    const p = say(out);
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const engine = await engineOf(p.pid!);
    await partialGrown();
    assert.ok(!existsSync(out), 'no file under the final name while writing');
    process.kill(engine, 'SIGKILL');
    assert.equal(await exit(p), 0, stderr);
    assert.match(stderr, /engine restarted 1×/);
    assert.ok(readFileSync(out).equals(readFileSync(ref)), 'the WAV after a kill is byte-identical');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), []);
  });

  test('Ctrl-C leaves no file behind, neither the WAV nor its temp file', async () => {
    const out = path.join(dir, 'interrupted.wav');
    const p = say(out);
    await partialGrown();
    p.kill('SIGINT');
    assert.equal(await exit(p), 130);
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), []);
  });
});
