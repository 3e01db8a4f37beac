/**
 * Typed mirror of every `pocketReader.*` setting in package.json (keep the two in step). Read fresh on each use:
 * configuration reads are cheap and this avoids stale copies after onDidChangeConfiguration.
 */
import * as vscode from 'vscode';
import type { BackendChoice } from '../shared/protocol';
import { MAX_SPEED, MIN_SPEED } from '../audio/timeStretch';

export const SECTION = 'pocketReader';

export interface PocketReaderConfig {
  /** A local model folder; empty = the downloaded model in extension storage. Machine-scoped, restricted. */
  modelPath: string;
  /** A voice name from the model (e.g. "alba") or a path to a voice `.safetensors` file. */
  voice: string;
  /** Playback speed, pitch-preserving, MIN_SPEED–MAX_SPEED. */
  speed: number;
  /** Sampling temperature; 0 is deterministic. */
  temperature: number;
  /** Flow-head decoding steps; more is slower and slightly cleaner. */
  lsdSteps: number;
  /** What the editor highlights: the word being spoken (where the model set has word timing) or the sentence. */
  highlight: 'word' | 'sentence';
  /** Markdown code blocks: skipped silently or announced. */
  codeBlocks: 'skip' | 'announce';
  backend: BackendChoice;
  /** Backbone threads; 0 = automatic. */
  threads: number;
  /** "auto" or a player kind (pacat, paplay, aplay, afplay, powershell). */
  player: string;
  /** CoreML compute units per model (e.g. { mimi_decoder: "cpuOnly" }); the engine validates names and values. */
  coremlComputeUnits: Record<string, string>;
  /** Minutes without reading after which the engine process exits (its memory returns); 0 = keep it. */
  engineIdleMinutes: number;
}

export function readConfig(): PocketReaderConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const num = (key: string, def: number, min: number, max: number) => {
    const v = Number(c.get<number>(key, def));
    return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
  };
  const codeBlocks = c.get<string>('codeBlocks', 'skip');
  const backend = c.get<string>('backend', 'auto');
  return {
    modelPath: (c.get<string>('modelPath', '') ?? '').trim(),
    voice: (c.get<string>('voice', 'alba') ?? '').trim() || 'alba',
    speed: num('speed', 1, MIN_SPEED, MAX_SPEED),
    temperature: num('temperature', 0.3, 0, 2),
    lsdSteps: Math.round(num('lsdSteps', 1, 1, 16)),
    highlight: c.get<string>('highlight', 'word') === 'sentence' ? 'sentence' : 'word',
    codeBlocks: codeBlocks === 'announce' ? 'announce' : 'skip',
    backend: backend === 'coreml' || backend === 'onnx' ? backend : 'auto',
    threads: Math.round(num('threads', 0, 0, 64)),
    player: (c.get<string>('player', 'auto') ?? 'auto').trim() || 'auto',
    coremlComputeUnits: stringMap(c.get<unknown>('coremlComputeUnits', {})),
    engineIdleMinutes: num('engineIdleMinutes', 5, 0, 1440),
  };
}

/** Keeps the string entries of a settings object (settings.json is hand-edited; anything else is dropped). */
function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Writes a user-level (global) setting; these are per-user choices, not per-workspace. */
export function updateGlobal(key: keyof PocketReaderConfig, value: unknown): Thenable<void> {
  return vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}
