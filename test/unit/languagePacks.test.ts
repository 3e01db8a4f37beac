// The language pack table: the published bundles, sizes per language, default voices, no non-commercial voice, and
// the voice each language reads with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { languageOfBundle, packFor, publishedBundles } from '../../src/store/languagePacks';
import { LANGUAGES } from '../../src/text/language/codes';
import { voiceFor } from '../../src/ui/languageVoice';

test('the bundles are exactly those the pinned ONNX export publishes', () => {
  assert.deepEqual(publishedBundles().sort(), ['english_2026-04', 'french_24l', 'german', 'german_24l', 'italian', 'italian_24l', 'portuguese', 'portuguese_24l', 'spanish', 'spanish_24l']);
});

test('French is only large, English only standard; large means 24 layers', () => {
  assert.equal(packFor('fr', 'standard').bundle, 'french_24l');
  assert.equal(packFor('en', 'large').bundle, 'english_2026-04');
  for (const l of LANGUAGES) {
    const large = packFor(l, 'large');
    assert.equal(large.layers, large.bundle.endsWith('_24l') ? 24 : 6);
    assert.equal(languageOfBundle(large.bundle), l);
  }
  assert.equal(languageOfBundle('pocket_reader_tiny'), 'en', 'a test model counts as English');
});

test('each language offers its own voice first, with a licence, and never a non-commercial one', () => {
  const own = { en: 'alba', fr: 'estelle', de: 'juergen', it: 'giovanni', pt: 'rafael', es: 'lola' } as const;
  for (const l of LANGUAGES) {
    const p = packFor(l);
    assert.equal(p.defaultVoice, own[l]);
    assert.equal(p.voices[0]!.name, own[l]);
    assert.ok(p.voices.every((v) => /^(CC-BY-4\.0|CC0-1\.0)$/.test(v.license)), l);
    assert.ok(!p.voices.some((v) => v.name === 'cosette' || v.name === 'jean'), l);
    assert.equal(new Set(p.voices.map((v) => v.name)).size, p.voices.length, `${l}: no duplicates`);
  }
});

test('the voice a language reads with', () => {
  const cfg = { voice: 'anna', voices: { de: 'alba', fr: ' ' }, modelSize: 'standard' as const };
  assert.equal(voiceFor(cfg, 'en'), 'anna');
  assert.equal(voiceFor(cfg, 'de'), 'alba');
  assert.equal(voiceFor(cfg, 'fr'), 'estelle', 'blank means the default');
  assert.equal(voiceFor(cfg, 'es'), 'lola');
});
