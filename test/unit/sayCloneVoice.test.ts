// The CLI end to end (dist/say.js): --clone-voice writes a voice file that --voice speaks with; a bad recording
// exits non-zero with the reason and leaves no file, not even a temporary one; an existing file needs --force.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeWav } from '../../src/audio/wav';
import { readNpy } from '../../src/engine/npy';
import { distDir, skipUnless, tinyParityDir } from '../helpers/paths';
import { writeWav } from '../helpers/wavFixtures';

const skip = skipUnless(path.join(tinyParityDir, 'mimi_encoder.onnx'), 'tiny-parity model with its encoder (../shared/models/tiny-parity)');
const dir = mkdtempSync(path.join(tmpdir(), 'pr-say-clone-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const say = (...args: string[]) => spawnSync(process.execPath, [path.join(distDir, 'say.js'), '--model-dir', tinyParityDir, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('say --clone-voice', { skip }, () => {
  test('makes a voice file, and --voice speaks with it', () => {
    const prompt = readNpy(path.join(tinyParityDir, 'voice_prompt_audio.npy')).data as Float32Array;
    const wav = writeWav(path.join(dir, 'me.wav'), { sampleRate: 24000, bits: 16, samples: prompt });
    const voice = path.join(dir, 'me.safetensors');
    const made = say('--clone-voice', wav, '--out-voice', voice);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stderr, /agreed to it/);
    assert.match(made.stderr, /note: me\.wav is only 0\.8 s long/);
    assert.match(made.stderr, /voice made from 0\.8 s of me\.wav \(11 positions\)/);
    const again = say('--clone-voice', wav, '--out-voice', voice);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists; pass --force/);
    const out = path.join(dir, 'hello.wav');
    const spoken = say('--voice', voice, '--temperature', '0', '--out', out, 'Hello world.');
    assert.equal(spoken.status, 0, spoken.stderr);
    assert.ok(decodeWav(readFileSync(out)).int16.length > 1920 * 5);
  });

  test('a bad recording: exit 1 with the reason, no voice file and no temporary file', () => {
    const text = path.join(dir, 'diary.wav');
    writeFileSync(text, 'Dear diary.\n');
    const out = path.join(dir, 'bad', 'voice.safetensors');
    mkdirSync(path.dirname(out));
    const r = say('--clone-voice', text, '--out-voice', out);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /say: diary\.wav is not a WAV file/);
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(path.dirname(out)), []);
  });

  test('--clone-voice without --out-voice is a usage error', () => {
    const r = say('--clone-voice', 'x.wav');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs --out-voice/);
  });
});
