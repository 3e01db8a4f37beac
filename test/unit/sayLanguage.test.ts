// The say CLI: --language and the language line of --dry-run, through the built dist/say.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { distDir } from '../helpers/paths';

const dir = mkdtempSync(path.join(tmpdir(), 'pr-say-lang-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function say(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(distDir, 'say.js'), ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--dry-run prints the detected language first, then the sentences read in it', () => {
  const file = path.join(dir, 'LIESMICH.md');
  writeFileSync(file, '# Installation\n\nDieses Projekt liest deine Dokumente vor. Am 3. März kamen 1.234 Nutzer (42 %).\n');
  const r = say('--dry-run', '--file', file);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'language: de',
    'L1  Installation',
    'L3  Dieses Projekt liest deine Dokumente vor.',
    'L3  Am dritten März kamen eintausendzweihundertvierunddreißig Nutzer (zweiundvierzig Prozent).',
  ]);
});

test('--language overrides detection; front matter beats detection; short text falls back to the locale', () => {
  const file = path.join(dir, 'notes.md');
  writeFileSync(file, '---\nlang: es\n---\n\nThe meeting moved to 10:30 on 2024-05-02.\n');
  assert.match(say('--dry-run', '--file', file).stdout, /^language: es\nL5 {2}The meeting moved to diez y treinta on dos de mayo de dos mil veinticuatro\.\n$/);
  assert.match(say('--dry-run', '--language', 'fr', '--file', file).stdout, /^language: fr\n.*dix heures trente.*deux mai deux mille vingt-quatre/);
  assert.match(say('--dry-run', 'Hi.').stdout, /^language: en\n/);
});

test('a language that is not published is refused with the list', () => {
  const r = say('--dry-run', '--language', 'nl', 'Hallo');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--language must be auto, en, fr, de, it, pt or es \(got "nl"\)/);
});
