/** Everything one worker holds: the backend, the tokenizer and cached voice states; text in, audio out. */
import type { Backend, VoiceState } from './backend';
import { createBackend } from './backendFactory';
import { EngineError } from './errors';
import { resolveOnnxFiles } from './modelFiles';
import { generate, newStats, type AudioOut, type GenerateStats } from './pipeline';
import type { EngineConfig, SynthesisOptions } from './protocol';
import { iterateChunks } from '../text/chunk';
import { loadSentencePiece } from '../text/sentencePiece';
import type { Tokenizer } from '../text/tokenizer';

export class Engine {
  private readonly voices = new Map<string, Promise<VoiceState>>();

  private constructor(
    readonly backend: Backend,
    readonly tokenizer: Tokenizer,
    readonly note: string | undefined,
  ) {}

  static async load(config: EngineConfig): Promise<Engine> {
    const files = resolveOnnxFiles(config.modelDir);
    const [{ backend, note }, tokenizer] = await Promise.all([createBackend(config, files), loadSentencePiece(files.tokenizer)]);
    return new Engine(backend, tokenizer, note);
  }

  /** Voice states are read once per worker; each text chunk starts from a fresh copy. */
  voice(name: string): Promise<VoiceState> {
    let v = this.voices.get(name);
    if (!v) {
      const ref = /[\\/]|\.safetensors$/.test(name) ? ({ kind: 'file', path: name } as const) : ({ kind: 'builtin', name } as const);
      v = this.backend.prefillVoice(ref);
      v.catch(() => this.voices.delete(name));
      this.voices.set(name, v);
    }
    return v;
  }

  async *synthesize(
    text: string,
    options: SynthesisOptions,
    signal?: AbortSignal,
    onProgress?: (p: { textChunk: number; frames: number }) => void,
    stats: GenerateStats = newStats(),
  ): AsyncGenerator<AudioOut> {
    const voice = await this.voice(options.voice);
    const info = this.backend.info;
    const chunks = iterateChunks(text, this.tokenizer, {
      maxTokens: info.maxTokensPerChunk,
      removeSemicolons: info.removeSemicolons,
      padWithSpaces: info.padWithSpacesForShortInputs,
      recommendedFramesAfterEos: info.recommendedFramesAfterEos,
    });
    const { voice: _voice, ...generation } = options;
    yield* generate(this.backend, voice, chunks, { ...generation, signal, onProgress }, stats);
  }

  dispose(): Promise<void> {
    return this.backend.dispose();
  }
}

export function assertSpeakable(text: string): void {
  if (!text.trim()) throw new EngineError('EMPTY_TEXT', 'There is no text to read.');
}
