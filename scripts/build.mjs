// Bundles each thread/process entry separately; native runtimes stay external and ship in node_modules.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const production = process.argv.includes('--production');
// --outdir=<dir>: build somewhere else than dist/ (scripts/package.mjs stages each VSIX in its own folder).
const outdirArg = process.argv.find((a) => a.startsWith('--outdir='));
const outdir = outdirArg ? path.resolve(outdirArg.slice('--outdir='.length)) : path.join(root, 'dist');

const entries = {
  extension: 'src/extension.ts',
  'engine-host': 'src/engine/main.ts',
  'decoder-worker': 'src/engine/decoderWorker.ts',
  say: 'src/cli/say.ts',
  bench: 'src/cli/bench.ts',
};
const entryPoints = Object.fromEntries(
  Object.entries(entries)
    .filter(([, file]) => existsSync(path.join(root, file)))
    .map(([name, file]) => [name, path.join(root, file)]),
);

/** emojibase-data ships tags, skin variants and ordering that narration never reads: bundle only the fields
 * src/text/emoji/emojiNames.ts uses (~0.5 MB less per bundle). */
const emojiNamesOnly = {
  name: 'emoji-names-only',
  setup(build) {
    build.onLoad({ filter: /emojibase-data[\\/][^\\/]+[\\/]compact\.json$/ }, async (args) => {
      const data = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify(data.map(({ label, unicode, group }) => ({ label, unicode, group }))), loader: 'json' };
    });
  },
};

await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'onnxruntime-node', '*.node'],
  plugins: [emojiNamesOnly],
  logLevel: quiet ? 'error' : 'info',
});
