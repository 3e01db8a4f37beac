/**
 * Owns the one EngineClient of the extension. The engine process starts lazily on the first request and stops after
 * `engineIdleMinutes` without one; a new model folder or engine setting is applied with configure(), which reloads
 * the engine on its next request. The CoreML folder comes from `coremlDir` (ModelManager's choice, which changes
 * once a background download completes).
 */
import path from 'node:path';
import { EngineClient } from '../client/engineClient';
import type { SynthesisOptions } from '../shared/protocol';
import { engineConfig } from './backendChoice';
import type { LanguageCode } from '../text/language/codes';
import type { PocketReaderConfig } from './config';
import { voiceFor } from './languageVoice';

export class EngineHost {
  private client: EngineClient | undefined;
  private lastReady: Promise<unknown> | undefined;
  private inFlight = 0;
  private lastModelDir: string | undefined;

  constructor(
    private readonly log: (line: string) => void,
    private readonly entry?: string,
    private readonly coremlDir: () => string | undefined = () => undefined,
  ) {}

  /** The client configured for `modelDir` and the current settings; loads the model in the background. */
  get(modelDir: string, cfg: PocketReaderConfig): EngineClient {
    const config = engineConfig(modelDir, cfg, this.coremlDir());
    const idleMs = cfg.engineIdleMinutes * 60_000;
    this.lastModelDir = modelDir;
    if (!this.client) {
      this.client = new EngineClient({ config, entry: this.entry, supervision: { idleMs }, log: (l) => this.log(`engine: ${l}`) });
    } else {
      this.client.configure(config);
      this.client.setIdleTimeout(idleMs);
    }
    this.logLoad(this.client, modelDir, cfg.highlight === 'word');
    return this.client;
  }

  /** Like get(), but counts requests until they settle (done, failed or cancelled) for the test hook. */
  synthesizer(modelDir: string, cfg: PocketReaderConfig): Pick<EngineClient, 'synthesize'> {
    const client = this.get(modelDir, cfg);
    return {
      synthesize: (text, options) => {
        const h = client.synthesize(text, options);
        this.inFlight++;
        h.done.finally(() => this.inFlight--).catch(() => undefined);
        return h;
      },
    };
  }

  /** Engine requests not yet settled. */
  get pendingRequests(): number {
    return this.inFlight;
  }

  /** The model folder the client was last configured for (test hooks, logs). */
  get modelDir(): string | undefined {
    return this.lastModelDir;
  }

  /** The running client, if any (test hooks). */
  get current(): EngineClient | undefined {
    return this.client;
  }

  async dispose(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.dispose();
  }

  /** Logs backend and load time once per load (ensureLoaded returns the same promise while loaded), and when word
   * highlighting is wanted but the model set cannot time words. */
  private logLoad(client: EngineClient, modelDir: string, wantWords: boolean): void {
    const t0 = performance.now();
    const ready = client.ensureLoaded();
    if (ready === this.lastReady) return;
    this.lastReady = ready;
    ready.then(
      (r) => {
        this.log(`engine ready: ${r.backend} backend, model ${path.basename(modelDir)} loaded in ${Math.round(r.loadMs)} ms (waited ${Math.round(performance.now() - t0)} ms)${r.note ? ` — ${r.note}` : ''}`);
        if (wantWords && !r.info.wordTimestamps) this.log(`word highlighting is not available (${r.info.noWordTiming ?? 'no word timing'}); highlighting sentences`);
      },
      (e: Error) => this.log(`engine load failed: ${e.message}`),
    );
  }
}

/** Synthesis options from the settings for `language`; a fresh random seed per reading keeps repeated reads natural. */
export function synthesisOptions(cfg: PocketReaderConfig, language: LanguageCode): SynthesisOptions {
  return { voice: voiceFor(cfg, language), temperature: cfg.temperature, lsdSteps: cfg.lsdSteps, seed: Math.floor(Math.random() * 2 ** 31) };
}
