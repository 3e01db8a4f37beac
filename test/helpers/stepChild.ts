// Child process for tests that read onnxruntime's own log (it writes to the process's stderr, out of reach in-process):
// runs one reference text through the ONNX backend.  node --import tsx stepChild.ts MODEL_DIR REFERENCE_DIR VOICE auto|export
import path from 'node:path';
import { OnnxBackend } from '../../src/engine/backends/onnx';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { readGolden } from './golden';
import { runOnGolden } from './runPipeline';

const [modelDir, referenceDir, voice, backbone] = process.argv.slice(2);
void (async () => {
  const backend = await OnnxBackend.load(resolveOnnxFiles(modelDir), { decoderThread: false, backbone: backbone === 'export' ? 'export' : 'auto' });
  const run = await runOnGolden(backend, await backend.prefillVoice({ kind: 'file', path: voice }), readGolden(referenceDir));
  await backend.dispose();
  console.log(JSON.stringify({ backbone: backend.backbone.kind, frames: run.frames, reference: path.basename(referenceDir) }));
})();
