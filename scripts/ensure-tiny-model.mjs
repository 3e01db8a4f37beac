// Generates the project's own tiny random-weight model (and its PyTorch reference outputs) once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'models', 'generated', 'tiny');
const generator = path.join(root, 'models', 'generate.py');
// bundle.json is written last; coreml/ (the CoreML step contract), the voice encoder and the word-timing references
// came later, so an older tiny set regenerates (with the same weights and references: each addition draws from its own
// generator).
const complete = ['bundle.json', 'coreml/mimi_decoder.onnx', 'mimi_encoder.onnx', 'reference/words/paragraph/info.json'].every((f) =>
  existsSync(path.join(out, f)),
);
if (complete || !existsSync(generator)) process.exit(0);
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const probe = spawnSync(python, ['-c', 'import torch, onnx, sentencepiece'], { stdio: 'ignore' });
if (probe.status !== 0) {
  console.log('tiny model: python3-torch/python3-onnx/python3-sentencepiece missing; tests that need it will skip');
  process.exit(0);
}
console.log('tiny model: generating models/generated/tiny ...');
const r = spawnSync(python, [generator, '--size', 'tiny', '--out', out], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
