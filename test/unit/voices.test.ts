// The voices a model folder really has (files present, headers readable), and the default it falls back to.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readSafetensors } from '../../src/engine/safetensors';
import { readSafetensorsHeader } from '../../src/shared/safetensorsHeader';
import { isVoiceFile } from '../../src/shared/voiceFiles';
import { onnxManifest } from '../../src/store/manifest';
import { defaultFolderVoice, listFolderVoices, voiceFileProblem } from '../../src/store/voices';
import { skipUnless, tinyModelDir } from '../helpers/paths';

const tinyVoice = path.join(tinyModelDir, 'voices', 'alba.safetensors');
const skip = skipUnless(tinyVoice, 'the tiny model (npm run models:tiny)');

describe('model folder voices', { skip }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pr-voices-'));
    mkdirSync(path.join(dir, 'voices'));
    mkdirSync(path.join(dir, 'embeddings'));
    writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify({ predefined_voices: ['alba', 'zoe'] }));
    copyFileSync(tinyVoice, path.join(dir, 'voices', 'vera.safetensors'));
    copyFileSync(tinyVoice, path.join(dir, 'embeddings', 'zoe.safetensors'));
    // The same name in two places counts once, where the engine would take it (voices/ first).
    copyFileSync(tinyVoice, path.join(dir, 'embeddings', 'vera.safetensors'));
    // In the folder itself only names the model knows are voices (eve is a manifest voice; weights.safetensors is not).
    copyFileSync(tinyVoice, path.join(dir, 'eve.safetensors'));
    copyFileSync(tinyVoice, path.join(dir, 'weights.safetensors'));
    const bytes = readFileSync(tinyVoice);
    writeFileSync(path.join(dir, 'voices', 'cut.safetensors'), bytes.subarray(0, bytes.length - 100));
    writeFileSync(path.join(dir, 'voices', 'junk.safetensors'), 'not a voice at all');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('lists present, readable voices in the engine lookup order; damaged ones are reported apart', async () => {
    const { voices, damaged } = await listFolderVoices(dir, onnxManifest);
    assert.deepEqual(voices.map((v) => [v.name, path.relative(dir, v.file)]), [
      ['vera', path.join('voices', 'vera.safetensors')],
      ['zoe', path.join('embeddings', 'zoe.safetensors')],
      ['eve', 'eve.safetensors'],
    ]);
    assert.deepEqual(damaged.map((d) => path.basename(d.file)).sort(), ['cut.safetensors', 'junk.safetensors']);
    assert.match(damaged.find((d) => d.file.endsWith('cut.safetensors'))!.problem, /truncated/);
  });

  test('the default: the manifest default when present, else the bundle\'s first voice present, else any', async () => {
    const { voices } = await listFolderVoices(dir, onnxManifest);
    assert.equal(await defaultFolderVoice(dir, voices, onnxManifest), 'zoe');
    copyFileSync(tinyVoice, path.join(dir, 'voices', 'alba.safetensors'));
    const again = await listFolderVoices(dir, onnxManifest);
    assert.equal(await defaultFolderVoice(dir, again.voices, onnxManifest), 'alba');
    rmSync(path.join(dir, 'voices', 'alba.safetensors'));
    assert.equal(await defaultFolderVoice(path.join(dir, 'voices'), voices.filter((v) => v.name === 'eve'), onnxManifest), 'eve');
    assert.equal(await defaultFolderVoice(dir, [], onnxManifest), undefined);
  });

  test('a folder that does not exist has no voices', async () => {
    assert.deepEqual(await listFolderVoices(path.join(dir, 'gone'), onnxManifest), { voices: [], damaged: [] });
  });

  test('voiceFileProblem reads only the header and agrees with the engine reader', async () => {
    assert.equal(await voiceFileProblem(tinyVoice), undefined);
    const header = await readSafetensorsHeader(tinyVoice);
    const full = await readSafetensors(tinyVoice);
    assert.deepEqual([...header.tensors.keys()].sort(), [...full.keys()].sort());
    assert.match((await voiceFileProblem(path.join(dir, 'voices', 'junk.safetensors')))!, /not a readable voice file/);
    assert.match((await voiceFileProblem(path.join(dir, 'nope.safetensors')))!, /does not exist/);
    assert.match((await voiceFileProblem(path.join(dir, 'voices')))!, /not a file/);
    await assert.rejects(readSafetensors(path.join(dir, 'voices', 'cut.safetensors')), /truncated/);
  });
});

test('isVoiceFile: paths and .safetensors names are files, plain names are built-in voices', () => {
  assert.equal(isVoiceFile('alba'), false);
  assert.equal(isVoiceFile('/v/me.safetensors'), true);
  assert.equal(isVoiceFile('C:\\v\\me'), true);
  assert.equal(isVoiceFile('me.SafeTensors'), true);
});
