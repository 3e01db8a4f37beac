// Builds the CoreML addon in native/ on macOS only; elsewhere there is nothing to build and install must not fail.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.platform !== 'darwin' || process.env.POCKET_READER_SKIP_NATIVE) {
  console.log('pocket-reader: CoreML addon skipped (macOS only)');
  process.exit(0);
}
const nativeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'native');
// Inside npm lifecycle scripts npm points npm_config_node_gyp at its bundled node-gyp; prefer it over
// `npx node-gyp`, which would fetch node-gyp from the registry.
const nodeGyp = process.env.npm_config_node_gyp;
const r = nodeGyp
  ? spawnSync(process.execPath, [nodeGyp, 'rebuild'], { cwd: nativeDir, stdio: 'inherit' })
  : spawnSync('npx', ['node-gyp', 'rebuild'], { cwd: nativeDir, stdio: 'inherit' });
if (r.status !== 0) {
  console.warn('pocket-reader: CoreML addon build failed; the ONNX Runtime backend will be used.');
  // CI sets this so a broken addon fails the job instead of silently falling back.
  if (process.env.POCKET_READER_REQUIRE_NATIVE) process.exit(1);
}
