/**
 * The Mimi decoder on its own thread: onnxruntime-node's run() blocks its thread, so decoding here lets
 * the backbone keep stepping on the other core while audio is produced.
 */
import { parentPort } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { MimiDecoder } from './backends/onnxMimi';
import type { DecoderReply, DecoderRequest } from './backends/decoderProtocol';
import { toErrorPayload } from '../shared/errors';

const port = parentPort!;
let mimi: MimiDecoder | undefined;
const states = new Map<number, Map<string, ort.Tensor>>();
let chain = Promise.resolve();

function reply(msg: DecoderReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function handle(msg: DecoderRequest): Promise<void> {
  switch (msg.type) {
    case 'init':
      mimi = await MimiDecoder.load(msg.file, msg.manifest, msg.latentDim, msg.threads);
      reply({ type: 'ready' });
      return;
    case 'start':
      states.set(msg.dec, mimi!.initialState());
      return;
    case 'decode': {
      const t0 = performance.now();
      try {
        const pcm = (await mimi!.decode(states.get(msg.dec)!, msg.latents, msg.frames)).slice();
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
      await mimi?.release();
      mimi = undefined;
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
