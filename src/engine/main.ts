/**
 * Entry of the engine (bundled as engine-host.js). Normally a child process forked by EngineClient, talking over
 * its IPC channel; it ends itself when that channel closes or its parent disappears, so a killed extension host
 * never leaves an engine behind. The same bundle also runs as a worker thread: the engine thread of the in-process
 * fallback, the CoreML warm-up thread, or the voice encoder's thread.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runWarmupThread, WARMUP_ROLE, type WarmupData } from './coremlWarmup';
import { serveEngine, type EnginePort } from './server';
import { ENCODER_ROLE, runEncoderThread, type EncoderThreadData } from './voiceEncoderThread';
import type { ClientMessage, EngineMessage } from '../shared/protocol';

/** How often the orphan check runs (a backstop: a dead parent normally closes the IPC channel at once). */
const PARENT_CHECK_MS = 500;
/** An orphan releases its runtime for at most this long, then exits regardless. */
const ORPHAN_GRACE_MS = 300;

function processPort(): EnginePort {
  return {
    // Structured clone ('advanced' serialization): typed arrays arrive as typed arrays. No transfer list over IPC.
    // A closed channel means the client is gone; the orphan check ends the engine, sending just stops.
    send: (msg: EngineMessage) => void (process.connected && process.send?.(msg, undefined, undefined, () => undefined)),
    onMessage: (listener) => process.on('message', (m) => listener(m as ClientMessage)),
    exit: (code) => process.exit(code),
  };
}

function threadPort(port: NonNullable<typeof parentPort>): EnginePort {
  return {
    send: (msg, transfer) => port.postMessage(msg, transfer ?? []),
    onMessage: (listener) => port.on('message', listener),
    exit: (code) => process.exit(code), // in a worker thread this ends the thread only
  };
}

if (!isMainThread && (workerData as WarmupData | undefined)?.role === WARMUP_ROLE) {
  void runWarmupThread(parentPort!, workerData as WarmupData);
} else if (!isMainThread && (workerData as EncoderThreadData | undefined)?.role === ENCODER_ROLE) {
  void runEncoderThread(parentPort!, workerData as EncoderThreadData);
} else if (!isMainThread) {
  serveEngine(threadPort(parentPort!), __filename);
} else if (process.send) {
  const engine = serveEngine(processPort(), __filename);
  const parent = process.ppid;
  const orphaned = () => void engine.shutdown(0, ORPHAN_GRACE_MS);
  process.on('disconnect', orphaned);
  setInterval(() => {
    if (process.ppid !== parent) orphaned();
  }, PARENT_CHECK_MS).unref();
} else {
  process.stderr.write('engine-host.js is started by the Pocket Reader engine client, not directly.\n');
  process.exit(2);
}
