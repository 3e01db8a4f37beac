// The language-pack store against a local hub serving two bundles (german, italian_24l) and their voices: download
// verified against the listing, resume, a corrupted file rejected and fetched again, and a bundle the listing lacks.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUNDLE_FILES, ONNX_REPO, VOICES_REPO, packFor } from '../../src/store/languagePacks';
import { ensureLanguagePack, languagePackProblem, PACK_FILE } from '../../src/store/languagePackStore';
import { FakeHub } from '../helpers/fakeHub';

let hub: FakeHub;
const root = mkdtempSync(path.join(tmpdir(), 'pr-lang-store-'));
const german = packFor('de', 'standard');
const italian = packFor('it', 'large');

/** Distinct bytes per file and bundle, big enough for the resume path to matter. */
const content = (bundle: string, file: string) => Buffer.from(`${bundle}/${file}\n`.repeat(file.endsWith('.onnx') ? 20_000 : 50));

before(async () => {
  hub = await FakeHub.start();
  for (const pack of [german, italian]) {
    for (const f of [...BUNDLE_FILES, 'mimi_encoder.onnx', 'flow_lm_main.onnx']) {
      hub.add(ONNX_REPO.repo, ONNX_REPO.revision, `onnx/${pack.bundle}/${f}`, content(pack.bundle, f), f !== 'bundle.json');
    }
    for (const v of [pack.defaultVoice, 'alba', 'cosette']) {
      hub.add(VOICES_REPO.repo, VOICES_REPO.revision, `languages/${pack.bundle}/embeddings/${v}.safetensors`, content(pack.bundle, v));
    }
  }
});
after(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

const opts = (voices: string[]) => ({ base: hub.base, voices, proxy: null, retryDelayMs: 1 });

describe('language pack store', () => {
  test('downloads the bundle files and the voice, each verified, then marks the pack complete', async () => {
    const dir = path.join(root, german.bundle);
    assert.equal(await languagePackProblem(dir, german, 'juergen'), 'missing');
    const r = await ensureLanguagePack(dir, german, opts(['juergen']));
    assert.deepEqual([...r.downloaded].sort(), [...BUNDLE_FILES, 'voices/juergen.safetensors'].sort());
    for (const f of BUNDLE_FILES) assert.deepEqual(readFileSync(path.join(dir, f)), content('german', f), f);
    assert.deepEqual(readFileSync(path.join(dir, 'voices', 'juergen.safetensors')), content('german', 'juergen'));
    assert.ok(!existsSync(path.join(dir, 'mimi_encoder.onnx')) && !existsSync(path.join(dir, 'voices', 'cosette.safetensors')), 'only what is used');
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, PACK_FILE), 'utf8')), { bundle: 'german', onnx: ONNX_REPO.revision, voices: ['juergen'] });
    assert.equal(await languagePackProblem(dir, german, 'juergen'), undefined);
    assert.equal(await languagePackProblem(dir, german, 'alba'), 'voice');

    // Another voice later: the model is trusted by stat, only the voice is fetched.
    hub.requests.length = 0;
    const more = await ensureLanguagePack(dir, german, opts(['alba']));
    assert.deepEqual(more.downloaded, ['voices/alba.safetensors']);
    assert.ok(!hub.requests.some((q) => q.includes('/resolve/') && q.includes('onnx/')), 'no model file fetched again');
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, PACK_FILE), 'utf8')).voices, ['alba', 'juergen']);
  });

  test('a second bundle (24 layers) lands in its own folder', async () => {
    const dir = path.join(root, italian.bundle);
    await ensureLanguagePack(dir, italian, opts(['giovanni']));
    assert.deepEqual(readFileSync(path.join(dir, 'flow_lm_main_int8.onnx')), content('italian_24l', 'flow_lm_main_int8.onnx'));
    assert.equal(await languagePackProblem(dir, italian, 'giovanni'), undefined);
    assert.equal(await languagePackProblem(dir, german, 'giovanni'), 'missing', 'a folder answers only for its own bundle');
  });

  test('a dropped connection resumes where it stopped', async () => {
    const dir = path.join(root, 'resume');
    hub.dropAfter.set('onnx/german/flow_lm_main_int8.onnx', 100_000);
    hub.requests.length = 0;
    await ensureLanguagePack(dir, german, opts(['juergen']));
    assert.deepEqual(readFileSync(path.join(dir, 'flow_lm_main_int8.onnx')), content('german', 'flow_lm_main_int8.onnx'));
    assert.ok(hub.requests.some((q) => q.startsWith('bytes=100000- ') && q.endsWith('onnx/german/flow_lm_main_int8.onnx')), hub.requests.join('\n'));
  });

  test('a corrupted download is rejected and fetched again; so is a file damaged on disk', async () => {
    const dir = path.join(root, 'corrupt');
    hub.corruptOnce.add('onnx/german/text_conditioner.onnx');
    // The bad copy is refused (sha256) and discarded; the next attempt fetches it again.
    await assert.rejects(ensureLanguagePack(dir, german, opts(['juergen'])), { code: 'MODEL_CORRUPT' });
    assert.ok(!existsSync(path.join(dir, 'text_conditioner.onnx')) && !existsSync(path.join(dir, 'text_conditioner.onnx.partial')));
    assert.ok(!existsSync(path.join(dir, PACK_FILE)));
    await ensureLanguagePack(dir, german, opts(['juergen']));
    assert.deepEqual(readFileSync(path.join(dir, 'text_conditioner.onnx')), content('german', 'text_conditioner.onnx'));

    // Same size, different bytes on disk: found by the hash and replaced.
    const file = path.join(dir, 'tokenizer.model');
    writeFileSync(file, Buffer.alloc(readFileSync(file).length, 7));
    writeFileSync(path.join(dir, '.verified.json'), '{}');
    const r = await ensureLanguagePack(dir, german, opts(['juergen']));
    assert.deepEqual(r.downloaded, ['tokenizer.model']);
    assert.deepEqual(readFileSync(file), content('german', 'tokenizer.model'));

    // A small (non-LFS) file that fails its git id is refused, with nothing left in place.
    const fresh = path.join(root, 'corrupt-json');
    hub.corruptOnce.add('onnx/german/bundle.json');
    await assert.rejects(ensureLanguagePack(fresh, german, opts(['juergen'])), /bundle\.json failed verification/);
    assert.ok(!existsSync(path.join(fresh, 'bundle.json')) && !existsSync(path.join(fresh, PACK_FILE)));
  });

  test('a listing without the bundle gives a clear error', async () => {
    const spanish = packFor('es', 'standard');
    await assert.rejects(ensureLanguagePack(path.join(root, 'es'), spanish, opts(['lola'])), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'DOWNLOAD_FAILED');
      assert.match(e.message, /^The Spanish voices is not published|^The Spanish model/);
      assert.match(e.message, /languages\/spanish\/embeddings|onnx\/spanish/);
      return true;
    });
    assert.ok(!existsSync(path.join(root, 'es', PACK_FILE)));
  });

  test('a voice the language does not offer is refused before any download', async () => {
    await assert.rejects(ensureLanguagePack(path.join(root, 'nc'), german, opts(['cosette'])), { code: 'UNKNOWN_VOICE', message: 'The German model has no voice "cosette".' });
  });

  test('cancel stops the download and keeps no completion mark', async () => {
    const ac = new AbortController();
    const dir = path.join(root, 'cancel');
    await assert.rejects(ensureLanguagePack(dir, italian, { ...opts(['giovanni']), signal: ac.signal, onProgress: () => ac.abort() }), { code: 'CANCELLED' });
    assert.ok(!existsSync(path.join(dir, PACK_FILE)));
  });
});
