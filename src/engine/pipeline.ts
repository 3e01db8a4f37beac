/**
 * The generation loop of Pocket TTS, shared by every backend. Per text chunk: a fresh sequence from the
 * voice state, text prefill, then BOS → backbone step → EOS check → LSD flow head → latent fed back,
 * with Mimi decoding pipelined behind the backbone so audio streams out while generation continues.
 */
import type { Backend, DecoderState, VoiceState } from './backend';
import { EngineError } from '../shared/errors';
import type { SynthesisOptions, WordMark } from '../shared/protocol';
import type { ChunkWords } from '../text/chunk';
import { chunkSeed, SeededRandom } from './random';
import { WordTimer } from './wordTimer';

export interface PlannedChunk {
  tokenIds: readonly number[];
  /** Source span [start, end) the chunk speaks. */
  start: number;
  end: number;
  framesAfterEos: number;
  /** Units and token map for word timing (used when the backend returns attention). */
  words?: ChunkWords;
}

/** The request's synthesis options (minus the voice, already resolved) plus in-process hooks. */
export type GenerateOptions = Omit<SynthesisOptions, 'voice'> & {
  noiseClamp?: number;
  signal?: AbortSignal;
  /** Called for every backbone step (tests compare these against references). */
  onStep?: (s: { textChunk: number; step: number; eosLogit: number; latent: Float32Array | null; attention?: Float32Array }) => void;
  onProgress?: (p: { textChunk: number; frames: number }) => void;
  /** Index of the first chunk in `chunks` (a resumed request starts at a later text chunk). */
  firstTextChunk?: number;
};

export interface AudioOut {
  pcm: Float32Array;
  start: number;
  end: number;
  textChunk: number;
  frames: number;
  /** The last audio of its text chunk (an empty `pcm` when the chunk's audio was already handed out). */
  chunkEnd: boolean;
  /** Word boundaries in this audio (times from the text chunk's audio start); the chunk's last audio also has
   * the marks that close it. */
  words?: WordMark[];
}

export interface GenerateStats {
  frames: number;
  firstAudioMs: number;
  wallMs: number;
  backboneMs: number;
  flowMs: number;
  prefillMs: number;
}

export const DEFAULT_EOS_THRESHOLD = -4;

/** The reference's per-chunk frame budget: ceil((tokens / 3 + 2) * 12.5). */
export function maxGenLen(tokenCount: number, frameRate = 12.5): number {
  return Math.ceil((tokenCount / 3.0 + 2.0) * frameRate);
}

/** LSD decode: N Euler steps over explicit (s, t) = (i/N, (i+1)/N); velocity averaged over the step. */
export async function lsdDecode(
  backend: Backend,
  conditioning: Float32Array,
  noise: Float32Array,
  steps: number,
): Promise<Float32Array> {
  if (!Number.isInteger(steps) || steps < 1) throw new EngineError('INTERNAL', `LSD steps must be an integer ≥ 1 (got ${steps})`);
  const x = Float32Array.from(noise);
  for (let i = 0; i < steps; i++) {
    const v = await backend.flow(conditioning, i / steps, (i + 1) / steps, x);
    for (let k = 0; k < x.length; k++) x[k] = x[k] + v[k] / steps;
  }
  return x;
}

/**
 * Audio handed out ahead of real time (counted from the first audio) beyond which Mimi waits for a full batch:
 * a 4-frame decode costs about half the CPU of four 1-frame ones, and this much buffered audio outlasts the wait.
 */
const AHEAD_FRAMES_PER_BATCH_FRAME = 2;

/** Lets messages from the decoder thread in between backbone steps (ORT's run blocks this thread). */
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new EngineError('CANCELLED', 'synthesis cancelled');
}

export async function* generate(
  backend: Backend,
  voice: VoiceState,
  chunks: Iterable<PlannedChunk> | AsyncIterable<PlannedChunk>,
  opts: GenerateOptions,
  stats: GenerateStats = newStats(),
): AsyncGenerator<AudioOut> {
  const t0 = performance.now();
  const threshold = opts.eosThreshold ?? DEFAULT_EOS_THRESHOLD;
  const maxBatch = Math.max(1, opts.maxDecodeBatch ?? 4);
  const fixedBatches = opts.decodeBatching === 'fixed';
  const { latentDim, samplesPerFrame, sampleRate } = backend.info;
  const frameMs = (1000 * samplesPerFrame) / sampleRate;
  let textChunk = (opts.firstTextChunk ?? 0) - 1;
  /** Frames of audio handed out so far in this request. */
  let delivered = 0;
  const deliver = (out: AudioOut): AudioOut => {
    if (stats.firstAudioMs === 0) stats.firstAudioMs = performance.now() - t0;
    delivered += out.frames;
    return out;
  };
  const aheadOfPlayback = () => delivered * frameMs - (performance.now() - t0 - stats.firstAudioMs) >= AHEAD_FRAMES_PER_BATCH_FRAME * maxBatch * frameMs;

  for await (const chunk of chunks) {
    textChunk++;
    throwIfAborted(opts.signal);
    // Noise per text chunk, so a request resumed at chunk k draws what an uninterrupted run drew there.
    const rng = new SeededRandom(chunkSeed(opts.seed, textChunk));
    const tp = performance.now();
    const room = backend.info.contextCapacity - voice.positions - chunk.tokenIds.length;
    let budget = Math.min(maxGenLen(chunk.tokenIds.length), room);
    if (opts.maxFrames !== undefined) budget = opts.ignoreEos ? Math.min(opts.maxFrames, room) : Math.min(budget, opts.maxFrames);
    if (budget <= 0) throw new EngineError('INTERNAL', `voice (${voice.positions}) + text (${chunk.tokenIds.length}) leave no room in the model's ${backend.info.contextCapacity} positions`);
    const seq = await backend.startSequence(voice, chunk.tokenIds.length + budget);
    const decoder = await backend.startDecoder();
    /** Decodes sent and not yet handed out, in order; `settled` says one can be handed out without waiting. */
    const inflight: { out: Promise<AudioOut>; settled: boolean }[] = [];
    let timer: WordTimer | undefined;
    /** Marks ride with the audio they fall in, so a consumer that drops audio drops its marks too. */
    const withWords = (out: AudioOut): AudioOut => {
      if (!timer) return out;
      const words = timer.onAudio(out.pcm, out.frames);
      if (out.chunkEnd) words.push(...timer.finish());
      return { ...out, words };
    };
    const pending: Float32Array[] = [];
    let frames = 0;
    try {
      await backend.prefillText(seq, chunk.tokenIds);
      stats.prefillMs += performance.now() - tp;
      const afterEos = opts.framesAfterEos ?? chunk.framesAfterEos;

      const sendPending = (count: number) => {
        const batch = pending.splice(0, count);
        const latents = new Float32Array(batch.length * latentDim);
        batch.forEach((l, i) => latents.set(l, i * latentDim));
        const p = decodeBatch(backend, decoder, latents, batch.length, chunk, textChunk);
        const entry = { out: p, settled: false };
        p.then(() => (entry.settled = true), () => (entry.settled = true));
        inflight.push(entry);
      };

      let latent: Float32Array | null = null;
      let eosStep: number | null = null;
      for (let step = 0; step < budget; step++) {
        throwIfAborted(opts.signal);
        const ts = performance.now();
        const { conditioning, eosLogit, attention } = await backend.step(seq, latent);
        const tf = performance.now();
        stats.backboneMs += tf - ts;
        opts.onStep?.({ textChunk, step, eosLogit, latent, attention });
        if (!opts.ignoreEos && eosStep === null && eosLogit > threshold) eosStep = step;
        // The step that reaches eos_step + frames_after_eos is computed but its latent is not emitted.
        if (eosStep !== null && step >= eosStep + afterEos) break;
        if (attention && chunk.words) {
          timer ??= new WordTimer(chunk.words, attention.length / seq.positions, voice.positions, samplesPerFrame, sampleRate);
          timer.addFrame(attention);
        }
        const noise = rng.noise(latentDim, opts.temperature, opts.noiseClamp);
        latent = await lsdDecode(backend, conditioning, noise, opts.lsdSteps);
        stats.flowMs += performance.now() - tf;
        pending.push(latent);
        frames++;
        opts.onProgress?.({ textChunk, frames });

        // Keep one decode in flight.
        await yieldToEventLoop();
        // Only what has already settled: waiting here would stall the backbone behind the decoder thread.
        while (inflight[0]?.settled) yield deliver(withWords(await inflight.shift()!.out));
        const first = stats.frames + frames === 1;
        if (fixedBatches) {
          // A plan that depends only on frame indices: the chunk's first frame alone, then full groups.
          if (frames === 1) sendPending(1);
          while (pending.length >= maxBatch) sendPending(maxBatch);
          if (first) yield deliver(withWords(await inflight.shift()!.out));
        } else if (inflight.length === 0 && pending.length > 0 && (first || pending.length >= maxBatch || !aheadOfPlayback())) {
          // The first frame alone (latency); then whatever piled up, or a full batch when playback is far ahead.
          sendPending(first ? 1 : Math.min(pending.length, maxBatch));
          // The backbone's next step blocks this thread; for the request's first frame, hand the audio out
          // before stepping on (costs one Mimi frame of backbone time per request, saves a step of latency).
          if (first) yield deliver(withWords(await inflight.shift()!.out));
        }
      }
      while (pending.length > 0) sendPending(Math.min(pending.length, maxBatch));
      let ended = false;
      while (inflight.length > 0) {
        const out = await inflight.shift()!.out;
        throwIfAborted(opts.signal);
        ended = inflight.length === 0;
        yield deliver(withWords({ ...out, chunkEnd: ended }));
      }
      if (!ended) yield withWords({ pcm: new Float32Array(0), start: chunk.start, end: chunk.end, textChunk, frames: 0, chunkEnd: true });
      stats.frames += frames;
    } finally {
      // Abandoned decodes still settle; swallow their results so nothing is left unhandled.
      for (const { out } of inflight) out.catch(() => undefined);
      backend.releaseSequence(seq);
      backend.releaseDecoder(decoder);
    }
  }
  stats.wallMs = performance.now() - t0;
}

export function newStats(): GenerateStats {
  return { frames: 0, firstAudioMs: 0, wallMs: 0, backboneMs: 0, flowMs: 0, prefillMs: 0 };
}

async function decodeBatch(
  backend: Backend,
  decoder: DecoderState,
  latents: Float32Array,
  frames: number,
  chunk: PlannedChunk,
  textChunk: number,
): Promise<AudioOut> {
  const pcm = await backend.decode(decoder, latents, frames);
  return { pcm, start: chunk.start, end: chunk.end, textChunk, frames, chunkEnd: false };
}
