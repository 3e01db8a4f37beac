// Builds the CoreML addon in native/ on macOS only; elsewhere there is nothing to build and install must not fail.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.platform !== 'darwin' || process.env.POCKET_READER_SKIP_NATIVE) {
  console.log('pocket-reader: CoreML addon skipped (macOS only)');
  process.exit(0);
}
const nativeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'native');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const r = spawnSync(npx, ['node-gyp', 'rebuild'], { cwd: nativeDir, stdio: 'inherit' });
if (r.status !== 0) console.warn('pocket-reader: CoreML addon build failed; the ONNX Runtime backend will be used.');
