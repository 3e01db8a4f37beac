// Every message the extension shows starts with "Pocket Reader:", problems with a setting open that exact setting,
// and expected problems are logged as one line. The source scan catches literals; describeError's outputs are
// checked directly for every error it maps.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { PlayerUnavailableError } from '../../src/audio/players';
import { ViewAudioError } from '../../src/audio/webviewSink';
import { EngineError, type ErrorCode } from '../../src/shared/errors';
import type { ModelProblem } from '../../src/store/modelCheck';
import { NOT_MAC_WARNING } from '../../src/ui/backendChoice';
import { describeError, modelFolderError, PREFIX } from '../../src/ui/errorMessages';
import { root } from '../helpers/paths';

const UI_DIRS = ['src/ui', 'src/commands'];
const sources = UI_DIRS.flatMap((d) => readdirSync(path.join(root, d)).filter((f) => f.endsWith('.ts')).map((f) => path.join(d, f)));

/** First arguments of the calls that put text in front of the user, with where they are. */
function shownTexts(): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const call = /(?:show(?:Information|Warning|Error)Message\(|errors\.info\(\s*'[A-Z_]+',)\s*(['"`])((?:\\.|(?!\1)[\s\S])*)\1/g;
  for (const file of sources) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(call)) out.push({ where: `${file}:${text.slice(0, m.index).split('\n').length}`, text: m[2]! });
  }
  return out;
}

describe('user-facing messages', () => {
  test('every message literal in src/ui and src/commands starts with "Pocket Reader:"', () => {
    const texts = shownTexts();
    assert.ok(texts.length >= 15, `the scan finds the messages (${texts.length})`);
    const bad = texts.filter((t) => !t.text.startsWith(PREFIX) && !t.text.startsWith('${PREFIX}'));
    assert.deepEqual(bad, []);
  });

  test('messages shown from a variable are only the described errors and model questions', () => {
    const variable = /(?:show(?:Information|Warning|Error)Message|(?<![.\w])show)\(\s*([A-Za-z_][\w.]*)\s*[,)]/g;
    const found = sources.flatMap((file) => [...readFileSync(path.join(root, file), 'utf8').matchAll(variable)].map((m) => `${file}: ${m[1]}`));
    // d.message and question.message come from describeError (tested below) or from literals (scanned above);
    // `message` is ErrorReporter.info's, whose callers pass literals; d.warning is NOT_MAC_WARNING.
    assert.deepEqual(found.sort(), ['src/ui/errorReport.ts: d.message', 'src/ui/errorReport.ts: message', 'src/ui/modelManager.ts: d.warning', 'src/ui/modelPrompt.ts: question.message']);
    assert.ok(NOT_MAC_WARNING.startsWith(PREFIX));
  });

  const codes: ErrorCode[] = ['EMPTY_TEXT', 'NOTHING_SPEAKABLE', 'UNKNOWN_VOICE', 'MODEL_MISSING', 'MODEL_CORRUPT', 'BACKEND_UNAVAILABLE', 'DOWNLOAD_FAILED', 'OFFLINE', 'ENGINE_FAILED', 'INTERNAL'];
  const errors: unknown[] = [
    ...codes.map((c) => new EngineError(c, 'something went wrong')),
    new PlayerUnavailableError('No audio player found on PATH'),
    new PlayerUnavailableError('the audio player "x" is not supported here', [], 'pocketReader.player'),
    new ViewAudioError('AudioWorklet is not available'),
    new Error('plain'),
    'a string',
  ];

  test('describeError: every message starts with "Pocket Reader:" and has a way forward when it is an error', () => {
    for (const localFolder of [false, true]) {
      for (const err of errors) {
        const d = describeError(err, { localFolder });
        assert.ok(d.message.startsWith(`${PREFIX} `), d.message);
        if (d.severity === 'error') assert.ok(d.actions.length > 0, `${d.code} offers no action`);
      }
    }
  });

  const settingsButton = (err: unknown, localFolder = false) =>
    describeError(err, { localFolder }).actions.find((a) => a.title === 'Open Settings');

  test('errors about a setting carry "Open Settings" for exactly that setting', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    const ours = Object.keys(pkg.contributes.configuration.properties);
    const cases: Array<[unknown, boolean, string]> = [
      [new EngineError('UNKNOWN_VOICE', 'unknown voice "x"'), false, 'pocketReader.voice'],
      [new EngineError('BACKEND_UNAVAILABLE', 'no CoreML'), false, 'pocketReader.backend'],
      [new EngineError('MODEL_CORRUPT', 'the model folder /m is damaged'), true, 'pocketReader.modelPath'],
      [new EngineError('MODEL_MISSING', 'the model folder /m does not exist'), true, 'pocketReader.modelPath'],
      [new PlayerUnavailableError('not supported', [], 'pocketReader.player'), false, 'pocketReader.player'],
      [new ViewAudioError('AudioWorklet is not available'), false, 'pocketReader.player'],
      [new EngineError('OFFLINE', 'Cannot reach huggingface.co.'), false, 'http.proxy'],
    ];
    for (const [err, local, setting] of cases) {
      const a = settingsButton(err, local);
      assert.deepEqual(a, { title: 'Open Settings', command: 'workbench.action.openSettings', args: [setting] });
      if (setting.startsWith('pocketReader.')) assert.ok(ours.includes(setting), `${setting} is a contributed setting`);
    }
    assert.equal(settingsButton(new PlayerUnavailableError('No audio player found on PATH')), undefined, 'no setting involved: no settings button');
  });

  test('expected problems are marked for a one-line log; software failures are not', () => {
    for (const code of ['UNKNOWN_VOICE', 'MODEL_MISSING', 'MODEL_CORRUPT', 'NOTHING_SPEAKABLE', 'OFFLINE'] as ErrorCode[]) assert.equal(describeError(new EngineError(code, 'x'), { localFolder: false }).expected, true, code);
    assert.equal(describeError(new PlayerUnavailableError('none'), { localFolder: false }).expected, true);
    assert.equal(describeError(new EngineError('INTERNAL', 'x'), { localFolder: false }).expected, false);
    assert.equal(describeError(new TypeError('x'), { localFolder: false }).expected, false);
  });

  test('offline is said in plain words with Retry and Use Local Folder; the raw text stays out of the message', () => {
    const d = describeError(new EngineError('OFFLINE', 'Cannot reach huggingface.co.', 'getaddrinfo ENOTFOUND huggingface.co'), { localFolder: false });
    assert.equal(d.message, 'Pocket Reader: cannot reach the model server — you seem to be offline (or behind a proxy: set http.proxy).');
    assert.deepEqual(d.actions.map((a) => a.title), ['Retry', 'Use Local Folder', 'Open Settings']);
  });

  test('a broken local folder offers the downloaded model or another folder, never a download into storage', () => {
    const d = describeError(new EngineError('MODEL_CORRUPT', 'x'), { localFolder: true });
    assert.deepEqual(d.actions.map((a) => [a.title, a.command]), [
      ['Use Downloaded Model', 'pocketReader.useDownloadedModel'],
      ['Choose Another Folder', 'pocketReader.useLocalModel'],
      ['Open Settings', 'workbench.action.openSettings'],
    ]);
    const managed = describeError(new EngineError('MODEL_CORRUPT', 'x'), { localFolder: false });
    assert.deepEqual(managed.actions.map((a) => a.title), ['Download Again', 'Use Local Folder']);
  });
});

describe('modelFolderError', () => {
  const p = (over: Partial<ModelProblem>): ModelProblem => ({ file: 'f', kind: 'missing', reason: 'missing', name: 'f', detail: 'f is missing', ...over });

  test('names the damaged file in plain words', () => {
    const e = modelFolderError('/m', [p({ kind: 'corrupt', reason: 'truncated', name: 'flow_lm_main_int8.onnx', bytes: 1_200_000, expectedBytes: 76_341_079 })], 'folder');
    assert.equal(e.code, 'MODEL_CORRUPT');
    assert.equal(e.message, 'the model folder /m is damaged: flow_lm_main_int8.onnx is incomplete (1.2 MB of 76 MB)');
  });

  test('missing files make the folder incomplete; a missing folder is said as such; long lists are cut', () => {
    assert.equal(modelFolderError('/m', [p({ name: 'tokenizer.model' })], 'folder').message, 'the model folder /m is incomplete: tokenizer.model is missing');
    assert.equal(modelFolderError('/m', [p({ file: '.', name: '/m' })], 'folder').message, 'the model folder /m does not exist');
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => p({ name: n }));
    assert.equal(modelFolderError('/m', many, 'download').message, 'the downloaded speech model is incomplete: a is missing; b is missing; c is missing; 2 more file(s) are missing or damaged');
    assert.equal(modelFolderError('/m', [p({ kind: 'corrupt', reason: 'empty', name: 'bundle.json' })], 'folder').message, 'the model folder /m is damaged: bundle.json is empty');
  });
});
