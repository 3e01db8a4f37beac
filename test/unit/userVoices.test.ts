// The user's voice files: names that are safe file names and never collide, whole-file writes, rename and delete.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { UserVoiceStore } from '../../src/store/userVoices';

const root = mkdtempSync(path.join(tmpdir(), 'pr-voices-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('names: no path characters, no duplicates (ignoring case), nothing Windows cannot store', () => {
  const s = new UserVoiceStore(root);
  const taken = ['Grandma'];
  assert.equal(s.nameProblem('My voice', taken), undefined);
  assert.match(s.nameProblem('   ', taken)!, /Give the voice a name/);
  for (const bad of ['a/b', 'a\\b', '../up', 'c:d', 'why?', 'x|y', 'tab\there']) assert.match(s.nameProblem(bad, taken)!, /cannot contain|cannot start/, bad);
  assert.match(s.nameProblem('.hidden', taken)!, /start or end with a dot/);
  assert.match(s.nameProblem('grandma', taken)!, /already have a voice named "grandma"/);
  assert.match(s.nameProblem('CON', taken)!, /reserved on Windows/);
  assert.match(s.nameProblem('x'.repeat(41), taken)!, /at most 40/);
});

test('add, list, rename and remove; an existing voice is never replaced', async () => {
  const s = new UserVoiceStore(path.join(root, 'voices'));
  assert.deepEqual(await s.list(), [], 'no folder yet: no voices');
  const a = await s.add(' Mine ', Uint8Array.of(1, 2, 3));
  assert.equal(a.name, 'Mine');
  assert.equal(a.file, path.join(root, 'voices', 'Mine.safetensors'));
  assert.ok(s.owns(a.file));
  assert.ok(!s.owns(path.join(root, 'Mine.safetensors')));
  await s.add('Anna', Uint8Array.of(9));
  await assert.rejects(s.add('Mine', Uint8Array.of(7)), /already exists/);
  assert.deepEqual(readFileSync(a.file), Buffer.from([1, 2, 3]), 'the first voice is untouched');
  writeFileSync(path.join(root, 'voices', 'notes.txt'), 'not a voice');
  assert.deepEqual((await s.list()).map((v) => v.name), ['Anna', 'Mine']);

  await assert.rejects(s.rename(a, 'Anna'), /already exists/);
  const renamed = await s.rename(a, 'Me');
  assert.deepEqual(readFileSync(renamed.file), Buffer.from([1, 2, 3]));
  const cased = await s.rename(renamed, 'ME');
  assert.equal(path.basename(cased.file), 'ME.safetensors');
  await s.remove(cased);
  assert.deepEqual((await s.list()).map((v) => v.name), ['Anna']);
  assert.deepEqual(readdirSync(path.join(root, 'voices')).filter((f) => f.endsWith('.partial')), [], 'no temporary files left');
});
