/**
 * What word timing costs per generated frame, for `npm run bench`: the backbone step with and without the attention
 * taps (two sessions of the same graph in this process, steps interleaved), and the alignment's own work per frame
 * (unit scores and the state machine). Measured in CPU time of this process, which other work on a shared machine
 * barely disturbs, unlike wall time.
 */
import { OnnxBackend } from '../engine/backends/onnx';
import type { AttentionTap } from '../engine/backend';
import type { OnnxModelFiles } from '../engine/modelFiles';
import { WordTimer } from '../engine/wordTimer';
import { planChunks } from '../text/chunk';
import { loadSentencePiece } from '../text/sentencePiece';

export interface TapCost {
  plainStepMs: number;
  tappedStepMs: number;
  alignMsPerFrame: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export async function measureTapCost(files: OnnxModelFiles, taps: readonly AttentionTap[], text: string, voice: string, steps = 40, rounds = 4): Promise<TapCost> {
  const plain = await OnnxBackend.load(files, { decoderThread: false, attentionTaps: [] });
  const tapped = await OnnxBackend.load(files, { decoderThread: false, attentionTaps: taps });
  try {
    const tokenizer = await loadSentencePiece(files.tokenizer);
    const [chunk] = planChunks(text, tokenizer, {
      maxTokens: plain.info.maxTokensPerChunk,
      removeSemicolons: false,
      padWithSpaces: false,
      recommendedFramesAfterEos: null,
      words: true,
    });
    const latent = new Float32Array(plain.info.latentDim);
    const times = { plain: [] as number[], tapped: [] as number[], align: [] as number[] };
    const voices = { plain: await plain.prefillVoice({ kind: 'builtin', name: voice }), tapped: await tapped.prefillVoice({ kind: 'builtin', name: voice }) };
    const seqs = async () => {
      const out = { plain: await plain.startSequence(voices.plain, chunk!.tokenIds.length + steps), tapped: await tapped.startSequence(voices.tapped, chunk!.tokenIds.length + steps) };
      await plain.prefillText(out.plain, chunk!.tokenIds);
      await tapped.prefillText(out.tapped, chunk!.tokenIds);
      return out;
    };
    const frame = new Float32Array(plain.info.samplesPerFrame).fill(0.1);
    for (let r = 0; r < rounds; r++) {
      const s = await seqs();
      let timer: WordTimer | undefined;
      for (let i = 0; i < steps; i++) {
        const order = (i + r) % 2 === 0 ? (['plain', 'tapped'] as const) : (['tapped', 'plain'] as const);
        for (const which of order) {
          const t0 = process.cpuUsage();
          const res = await (which === 'plain' ? plain : tapped).step(s[which], i === 0 ? null : latent);
          if (i > 0) times[which].push(cpuMs(t0)); // the first step also runs the text prefill
          if (which === 'tapped' && res.attention && chunk!.words) {
            const t1 = process.cpuUsage();
            timer ??= new WordTimer(chunk!.words, taps.length, voices.tapped.positions, plain.info.samplesPerFrame, plain.info.sampleRate);
            timer.addFrame(res.attention);
            timer.onAudio(frame, 1);
            times.align.push(cpuMs(t1));
          }
        }
      }
      plain.releaseSequence(s.plain);
      tapped.releaseSequence(s.tapped);
    }
    return { plainStepMs: median(times.plain), tappedStepMs: median(times.tapped), alignMsPerFrame: median(times.align) };
  } finally {
    await Promise.all([plain.dispose(), tapped.dispose()]);
  }
}
