/**
 * The Mimi decoder on its own thread: onnxruntime-node's run() blocks its thread, so decoding here lets
 * the backbone keep stepping on the other core while audio is produced.
 */
import { parentPort } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { MimiDecoder } from './backends/onnxMimi';
import { createSession } from './backends/onnxSession';
import type { DecoderReply, DecoderRequest } from './backends/decoderProtocol';
import { toErrorPayload } from '../shared/errors';

const port = parentPort!;
let session: ort.InferenceSession | undefined;
let mimi: MimiDecoder | undefined;
const states = new Map<number, ort.Tensor[]>();
let chain = Promise.resolve();

function reply(msg: DecoderReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function handle(msg: DecoderRequest): Promise<void> {
  switch (msg.type) {
    case 'init':
      session = await createSession(msg.file, msg.threads);
      mimi = new MimiDecoder(session, msg.manifest, msg.latentDim);
      reply({ type: 'ready' });
      return;
    case 'start':
      states.set(msg.dec, mimi!.initialState());
      return;
    case 'decode': {
      const t0 = performance.now();
      try {
        const r = await mimi!.decode(states.get(msg.dec)!, msg.latents, msg.frames);
        states.set(msg.dec, r.state);
        const pcm = r.pcm.slice();
        reply({ type: 'pcm', call: msg.call, pcm, ms: performance.now() - t0 }, [pcm.buffer as ArrayBuffer]);
      } catch (e) {
        const p = toErrorPayload(e);
        reply({ type: 'failed', call: msg.call, code: p.code, message: p.message });
      }
      return;
    }
    case 'release':
      states.delete(msg.dec);
      return;
    case 'close':
      states.clear();
      // Release the session before the thread ends: terminating with an open session aborts the process.
      await session?.release();
      session = undefined;
      reply({ type: 'closed' });
      return;
  }
}

port.on('message', (msg: DecoderRequest) => {
  chain = chain.then(() => handle(msg)).catch((e) => {
    const p = toErrorPayload(e);
    reply({ type: 'failed', call: -1, code: p.code, message: p.message });
  });
});
