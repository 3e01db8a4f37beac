// Captions and word times: marks placed on a request's timeline across audio chunks, WebVTT output that a strict
// reader accepts, output files that never replace existing ones, and `say --timestamps` end to end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pairWords, RequestMarks } from '../../src/audio/requestMarks';
import { PartialFile } from '../../src/audio/partialFile';
import { WavFileWriter } from '../../src/audio/wav';
import type { AudioChunk, WordMark } from '../../src/shared/protocol';
import { formatWebVtt, vttTime } from '../../src/text/webVtt';
import { distDir, skipUnless, tinyModelDir } from '../helpers/paths';

const RATE = 24000;
const chunk = (textChunk: number, samples: number, words: WordMark[] = []): AudioChunk => ({
  seq: 0, pcm: new Float32Array(samples), sampleRate: RATE, span: { start: 0, end: 0 }, textChunk, frames: samples / 1920, chunkEnd: false, words,
});
const mark = (phase: 'start' | 'end', word: number, time: number, sourceStart: number, estimated = false): WordMark => ({
  phase, word, time, sourceStart, sourceEnd: sourceStart + 3, estimated,
});

test('marks are timed from their text chunk’s audio start, and pair into words', () => {
  const marks = new RequestMarks();
  const placed = [
    // text chunk 0: two audio chunks of 0.5 s; word 0's end comes with the second one
    ...marks.place(chunk(0, RATE / 2, [mark('start', 0, 0, 0)])).marks,
    ...marks.place(chunk(0, RATE / 2, [mark('end', 0, 0.75, 0), mark('start', 1, 0.75, 4, true), mark('end', 1, 1, 4, true)])).marks,
    // text chunk 1 starts at 1 s
    ...marks.place(chunk(1, RATE, [mark('start', 0, 0.25, 8), mark('end', 0, 0.5, 8)])).marks,
  ];
  assert.deepEqual(
    pairWords(placed, RATE).map((w) => [w.key, w.start, w.end, w.sourceStart, w.estimated]),
    [['0:0', 0, 0.75, 0, false], ['0:1', 0.75, 1, 4, true], ['1:0', 1.25, 1.5, 8, false]],
  );
  const second = new RequestMarks();
  second.place(chunk(0, 100));
  assert.equal(second.place(chunk(0, 50, [mark('start', 0, 0, 0)])).marks[0]!.at, 0, 'a mark at 0 s is at its text chunk start, not its audio chunk');
});

/** Checks the WebVTT syntax we emit: header, cue timings, inline timestamps strictly inside and increasing. */
function parseVtt(vtt: string): { start: number; end: number; text: string; stamps: number[] }[] {
  const seconds = (t: string) => {
    const [h, m, s] = t.split(':');
    return Number(h) * 3600 + Number(m) * 60 + Number(s);
  };
  const blocks = vtt.split(/\n\n+/);
  assert.equal(blocks.shift(), 'WEBVTT');
  return blocks.filter((b) => b.trim()).map((b) => {
    const lines = b.trim().split('\n');
    if (!lines[0]!.includes('-->')) lines.shift(); // cue identifier
    const m = /^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})$/.exec(lines[0]!);
    assert.ok(m, `cue timing line: ${lines[0]}`);
    const [start, end] = [seconds(m[1]!), seconds(m[2]!)];
    assert.ok(end > start, `cue ${lines[0]} has a duration`);
    const text = lines.slice(1).join('\n');
    assert.ok(text.length > 0 && !/-->/.test(text), 'cue text');
    const stamps = [...text.matchAll(/<(\d\d:\d\d:\d\d\.\d{3})>/g)].map((x) => seconds(x[1]!));
    let prev = start;
    for (const s of stamps) {
      assert.ok(s > prev && s < end, `timestamp ${s} inside (${prev}, ${end})`);
      prev = s;
    }
    assert.ok(!/[<>](?!\d\d:)/.test(text.replace(/<\d\d:\d\d:\d\d\.\d{3}>/g, '')), 'no stray markup');
    return { start, end, text, stamps };
  });
}

test('WebVTT: one cue per sentence with word timestamps inside, escaped text', () => {
  assert.equal(vttTime(3725.5), '01:02:05.500');
  const vtt = formatWebVtt([
    { start: 0, end: 1.2, text: 'The quick fox.', words: [{ start: 0, time: 0 }, { start: 4, time: 0.4 }, { start: 10, time: 0.8 }] },
    { start: 1.5, end: 1.5, text: 'Silent.', words: [] }, // no audio: left out
    { start: 1.5, end: 2.5, text: 'a < b & c > d', words: [{ start: 0, time: 1.5 }, { start: 4, time: 3 }, { start: 8, time: 1.9 }] },
  ]);
  const cues = parseVtt(vtt);
  assert.deepEqual(cues.map((c) => [c.start, c.end, c.stamps]), [[0, 1.2, [0.4, 0.8]], [1.5, 2.5, [1.9]]]);
  assert.equal(cues[0]!.text, 'The <00:00:00.400>quick <00:00:00.800>fox.');
  // A word timed outside its cue keeps its text, without a timestamp.
  assert.equal(cues[1]!.text, 'a &lt; b &amp; <00:00:01.900>c &gt; d');
});

test('audio and captions are committed together under the first suffix free for both', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-pair-'));
  try {
    writeFileSync(path.join(dir, 'notes.vtt'), 'keep');
    writeFileSync(path.join(dir, 'notes-2.wav'), 'keep');
    const captions = await PartialFile.open(dir, 'notes.vtt');
    const writer = await WavFileWriter.create(dir, 'notes', RATE, [{ file: captions, ext: '.vtt' }]);
    await writer.write(new Float32Array(100));
    await captions.handle.writeFile('WEBVTT\n');
    assert.equal(path.basename(await writer.commit()), 'notes-3.wav');
    assert.deepEqual(readdirSync(dir).sort(), ['notes-2.wav', 'notes-3.vtt', 'notes-3.wav', 'notes.vtt'], 'nothing replaced, no temp files left');
    assert.equal(readFileSync(path.join(dir, 'notes.vtt'), 'utf8'), 'keep');
    assert.equal(readFileSync(path.join(dir, 'notes-3.vtt'), 'utf8'), 'WEBVTT\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('say --timestamps writes word times with offsets into the Markdown file', (t) => {
  const skip = skipUnless(path.join(tinyModelDir, 'bundle.json'), 'tiny model') || skipUnless(path.join(distDir, 'say.js'), 'built CLI (npm run build)');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-say-'));
  try {
    const doc = '# Notes\r\n\r\nThe café costs $3.50 — really.\r\n';
    const md = path.join(dir, 'notes.md');
    const json = path.join(dir, 'notes.json');
    writeFileSync(md, doc);
    const args = [path.join(distDir, 'say.js'), '--model-dir', tinyModelDir, '--file', md, '--out', path.join(dir, 'notes.wav'), '--timestamps', json, '--seed', '3'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const words = JSON.parse(readFileSync(json, 'utf8')) as { word: string; start: number; end: number; sourceStart: number; sourceEnd: number }[];
    assert.deepEqual(
      words.map((w) => [w.word, doc.slice(w.sourceStart, w.sourceEnd)]),
      [['Notes', 'Notes'], ['The', 'The'], ['café', 'café'], ['costs', 'costs'], ['three', '$3.50'], ['dollars', '$3.50'], ['and', '$3.50'], ['fifty', '$3.50'], ['cents', '$3.50'], ['really', 'really']],
    );
    words.forEach((w, i) => assert.ok(w.start <= w.end && (i === 0 || w.start >= words[i - 1]!.start), `times of ${w.word}`));
    // Never replaced without --force, and a failed run leaves no file behind.
    const again = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already exists; pass --force/);
    const stray = path.join(dir, 'other.json');
    const bad = spawnSync(process.execPath, [...args.slice(0, 5), '--out', path.join(dir, 'other.wav'), '--voice', 'nobody', '--timestamps', stray], { encoding: 'utf8' });
    assert.match(bad.stderr, /unknown voice/);
    assert.equal(existsSync(stray), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
