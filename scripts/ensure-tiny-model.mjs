// Generates the project's own tiny random-weight models (and their PyTorch reference outputs) once: the English one
// (with its CoreML step contract and INT8 set) and the french_24l variant (24 layers, own tokenizer, the bundle's text rules).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const generator = path.join(root, 'models', 'generate.py');
// bundle.json is written last; the CoreML step contract, the voice encoder, the INT8 set (with an EOS read-out fitted
// for it) and the word-timing references came later, so an older tiny set regenerates (each addition draws from its
// own generator).
const has = (dir, files) => files.every((f) => existsSync(path.join(dir, f)));
const models = [
  {
    out: path.join(root, 'models', 'generated', 'tiny'),
    args: [],
    done: (d) => has(d, ['bundle.json', 'coreml/mimi_decoder.onnx', 'mimi_encoder.onnx', 'reference/words/paragraph/info.json', '../tiny-int8/bundle.json']),
  },
  { out: path.join(root, 'models', 'generated', 'tiny-french_24l'), args: ['--variant', 'french_24l'], done: (d) => has(d, ['bundle.json']) },
];
const missing = models.filter((m) => !m.done(m.out));
if (missing.length === 0 || !existsSync(generator)) process.exit(0);
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const probe = spawnSync(python, ['-c', 'import torch, onnx, sentencepiece'], { stdio: 'ignore' });
if (probe.status !== 0) {
  console.log('tiny models: python3-torch/python3-onnx/python3-sentencepiece missing; tests that need them will skip');
  process.exit(0);
}
for (const m of missing) {
  console.log(`tiny model: generating ${path.relative(root, m.out)} ...`);
  const r = spawnSync(python, [generator, '--size', 'tiny', ...m.args, '--out', m.out], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
