// The alignment state machine on hand-made score sequences, and the attention → unit score reduction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVoiced, WordAlignment, type AlignUnit, type WordEvent } from '../../src/engine/wordAlignment';
import { unitScores, WordTimer } from '../../src/engine/wordTimer';
import type { ChunkWords } from '../../src/text/chunk';

const word = (length = 4): AlignUnit => ({ isWord: true, synthetic: false, length });
const punct = (synthetic = false): AlignUnit => ({ isWord: false, synthetic, length: 1 });
const F = 0.08;

/** Runs frames (scores, voiced) through the machine; returns events as compact strings "start 0 @0.08". */
function run(units: AlignUnit[], frames: [number[], boolean][], finishAt?: number): string[] {
  const a = new WordAlignment(units);
  const events: WordEvent[] = [];
  frames.forEach(([scores, voiced], f) => events.push(...a.process(scores, voiced, f * F)));
  events.push(...a.finish(finishAt ?? frames.length * F));
  return events.map((e) => `${e.phase} ${e.word} @${+e.time.toFixed(4)}${e.estimated ? ' ~' : ''}`);
}

test('words open on voice and hand over when the next word dominates', () => {
  const units = [word(), word(), punct(true)];
  assert.deepEqual(
    run(units, [
      [[0.9, 0.1, 0], true], // opens word 0
      [[0.6, 0.4, 0], true],
      [[0.3, 0.7, 0], true], // word 1 overtakes
      [[0.1, 0.9, 0], true],
    ]),
    ['start 0 @0', 'end 0 @0.16', 'start 1 @0.16', 'end 1 @0.32'],
  );
});

test('silence in the middle of a word keeps it open unless a later unit dominates', () => {
  const units = [word(), word(), word(), punct()];
  assert.deepEqual(
    run(units, [
      [[0.8, 0.1, 0.1, 0], true], // opens 0
      [[0.7, 0.2, 0.1, 0], false], // a pause inside "word 0": it still dominates, stays open
      [[0.8, 0.1, 0.1, 0], true],
      [[0.2, 0.1, 0.1, 0.6], false], // silence where the later punctuation dominates: closes 0
      [[0.1, 0.8, 0.1, 0], true], // voice again: opens 1 (nothing open, so no dominance test)
      [[0.1, 0.3, 0.6, 0], true], // 2 overtakes
    ]),
    ['start 0 @0', 'end 0 @0.24', 'start 1 @0.32', 'end 1 @0.4', 'start 2 @0.4', 'end 2 @0.48'],
  );
});

test('a word the attention skips still gets its turn, in order', () => {
  const units = [word(), word(), word()];
  assert.deepEqual(
    run(units, [
      [[0.9, 0, 0.1], true], // opens 0
      [[0.0005, 0.0001, 0.9994], true], // 0 below 0.001 and word 2 dominates: hands over to 1 (the next), not 2
      [[0, 0.0002, 0.9998], true], // 1 below 0.001 and its next (2) dominates
    ]),
    ['start 0 @0', 'end 0 @0.08', 'start 1 @0.08', 'end 1 @0.16', 'start 2 @0.16', 'end 2 @0.24'],
  );
  // Above the 0.001 threshold only the next word may take over: a later word's larger score does nothing, and
  // words never reached share the time from the open word's start with it, by length.
  assert.deepEqual(run(units, [[[0.9, 0, 0.1], true], [[0.2, 0.1, 0.7], true]]), [
    'start 0 @0',
    'end 0 @0.0533 ~',
    'start 1 @0.0533 ~',
    'end 1 @0.1067 ~',
    'start 2 @0.1067 ~',
    'end 2 @0.16 ~',
  ]);
});

test('punctuation-only units produce no word events', () => {
  assert.deepEqual(run([punct(), punct()], [[[0.5, 0.5], true], [[0.5, 0.5], false]]), []);
});

test('the last word closes on silence unless real punctuation follows it', () => {
  const silentAfter: [number[], boolean][] = [
    [[0.9, 0.1], true],
    [[0.2, 0.8], true], // opens the last word
    [[0.2, 0.8], false], // silence: the last word closes here (the period is synthetic)
    [[0.2, 0.8], false],
  ];
  assert.deepEqual(run([word(), word(), punct(true)], silentAfter.map(([s, v]) => [[...s, 0], v])), ['start 0 @0', 'end 0 @0.08', 'start 1 @0.08', 'end 1 @0.16']);
  // With a real "?" after it, silence alone does not close it; the end of the chunk does.
  assert.deepEqual(run([word(), word(), punct(false)], silentAfter.map(([s, v]) => [[...s, 0], v])), ['start 0 @0', 'end 0 @0.08', 'start 1 @0.08', 'end 1 @0.32']);
});

test('words not reached by the end share the time left with the open word, by length, marked estimated', () => {
  const units = [word(2), word(6), word(2)];
  assert.deepEqual(run(units, [[[0.9, 0.05, 0.05], true], [[0.9, 0.05, 0.05], true]], 1), [
    'start 0 @0',
    'end 0 @0.2 ~', // 0…1 s shared 2:6:2
    'start 1 @0.2 ~',
    'end 1 @0.8 ~',
    'start 2 @0.8 ~',
    'end 2 @1 ~',
  ]);
  // No frames at all: every word gets an (empty) estimated time at 0.
  assert.deepEqual(run([word(), word()], [], 0), ['start 0 @0 ~', 'end 0 @0 ~', 'start 1 @0 ~', 'end 1 @0 ~']);
});

test('voiced means RMS above 1e-3 over the frame', () => {
  assert.equal(isVoiced(new Float32Array(1920).fill(0.0011)), true);
  assert.equal(isVoiced(new Float32Array(1920).fill(0.0009)), false);
  assert.equal(isVoiced(new Float32Array(0)), false);
});

test('unit scores: text positions renormalised per head, spread over units, averaged over heads', () => {
  // 2 voice positions, 3 text tokens, 1 generated position; units: A (tokens 0, 1), B (token 2, half of token 1).
  const words: ChunkWords = {
    units: [
      { chunkStart: 0, chunkEnd: 2, isWord: true, synthetic: false, sourceStart: 0, sourceEnd: 2 },
      { chunkStart: 3, chunkEnd: 4, isWord: true, synthetic: false, sourceStart: 3, sourceEnd: 4 },
    ],
    tokenToUnit: Float32Array.from([1, 0, 0.5, 0.5, 0, 1]),
  };
  const head1 = [0.4, 0.1, 0.1, 0.2, 0.1, 0.1]; // text part 0.1, 0.2, 0.1 → 0.25, 0.5, 0.25
  const head2 = [0.1, 0.1, 0.4, 0.0, 0.4, 0.0]; // → 0.5, 0, 0.5
  const s = unitScores(Float32Array.from([...head1, ...head2]), 2, 2, words);
  assert.ok(Math.abs(s[0]! - (0.5 + 0.5) / 2) < 1e-6 && Math.abs(s[1]! - (0.5 + 0.5) / 2) < 1e-6, `${[...s]}`);
  const one = unitScores(Float32Array.from(head1), 1, 2, words);
  assert.ok(Math.abs(one[0]! - 0.5) < 1e-6 && Math.abs(one[1]! - 0.5) < 1e-6);

  // The timer consumes frames in decode order and reports marks with the words' source ranges.
  const timer = new WordTimer(words, 1, 2, 4, 50);
  timer.addFrame(Float32Array.from([0, 0, 0.9, 0.05, 0.05, 0]));
  timer.addFrame(Float32Array.from([0, 0, 0.05, 0.05, 0.9, 0]));
  const marks = [...timer.onAudio(new Float32Array(8).fill(0.5), 2), ...timer.finish()];
  assert.deepEqual(
    marks.map((m) => [m.phase, m.word, m.time, m.sourceStart, m.sourceEnd, m.estimated]),
    [['start', 0, 0, 0, 2, false], ['end', 0, 0.08, 0, 2, false], ['start', 1, 0.08, 3, 4, false], ['end', 1, 0.16, 3, 4, false]],
  );
  assert.throws(() => timer.onAudio(new Float32Array(4), 1), /without attention/);
});
