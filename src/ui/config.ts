/**
 * Typed mirror of every `pocketReader.*` setting in package.json (keep the two in step). Read fresh on each use:
 * configuration reads are cheap and this avoids stale copies after onDidChangeConfiguration.
 */
import * as vscode from 'vscode';
import type { BackendChoice } from '../shared/protocol';
import type { ModelSize } from '../store/languagePacks';
import { LANGUAGES } from '../text/language/codes';
import type { LanguageSetting } from '../text/language/detect';
import type { NarrateOptions } from '../text/narrate';
import { MAX_SPEED, MIN_SPEED } from '../audio/timeStretch';

export const SECTION = 'pocketReader';

export interface PocketReaderConfig {
  /** A local model folder; empty = the downloaded model in extension storage. Machine-scoped, restricted. */
  modelPath: string;
  /** The English voice: a name from the model (e.g. "alba") or a path to a voice `.safetensors` file. */
  voice: string;
  /** Voices of the other languages, by language code; a language left out uses its pack's default voice. */
  voices: Record<string, string>;
  /** "auto" (per document) or a language code. */
  language: LanguageSetting;
  /** standard (6 layers) or large (24 layers) models for the languages that have both. */
  modelSize: ModelSize;
  /** Playback speed, pitch-preserving, MIN_SPEED–MAX_SPEED. */
  speed: number;
  /** Sampling temperature; 0 is deterministic. */
  temperature: number;
  /** Flow-head decoding steps; more is slower and slightly cleaner. */
  lsdSteps: number;
  /** What the editor highlights: the word being spoken (where the model set has word timing) or the sentence. */
  highlight: 'word' | 'sentence';
  /** Markdown code blocks: skipped silently, announced, or read line by line. */
  codeBlocks: NarrateOptions['codeBlocks'];
  /** Markdown tables: read cell by cell, skipped, or announced. */
  tables: NonNullable<NarrateOptions['tables']>;
  /** Say "Heading." before each heading. */
  announceHeadings: boolean;
  /** Emoji that stand for a word: read by name or skipped. */
  emoji: NonNullable<NarrateOptions['emoji']>;
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
  return {
    modelPath: (c.get<string>('modelPath', '') ?? '').trim(),
    voice: (c.get<string>('voice', 'alba') ?? '').trim() || 'alba',
    voices: stringMap(c.get<unknown>('voices', {})),
    language: oneOf<LanguageSetting>(c.get<unknown>('language'), ['auto', ...LANGUAGES]),
    modelSize: oneOf<ModelSize>(c.get<unknown>('modelSize'), ['standard', 'large']),
    speed: num('speed', 1, MIN_SPEED, MAX_SPEED),
    temperature: num('temperature', 0.3, 0, 2),
    lsdSteps: Math.round(num('lsdSteps', 1, 1, 16)),
    highlight: oneOf(c.get<unknown>('highlight'), ['word', 'sentence'] as const),
    codeBlocks: oneOf(c.get<unknown>('codeBlocks'), ['skip', 'announce', 'read'] as const),
    tables: oneOf(c.get<unknown>('tables'), ['read', 'skip', 'announce'] as const),
    announceHeadings: c.get<unknown>('announceHeadings') === true,
    emoji: oneOf(c.get<unknown>('emoji'), ['name', 'skip'] as const),
    backend: oneOf<BackendChoice>(c.get<unknown>('backend'), ['auto', 'coreml', 'onnx']),
    threads: Math.round(num('threads', 0, 0, 64)),
    player: (c.get<string>('player', 'auto') ?? 'auto').trim() || 'auto',
    coremlComputeUnits: stringMap(c.get<unknown>('coremlComputeUnits', {})),
    engineIdleMinutes: num('engineIdleMinutes', 5, 0, 1440),
  };
}

/** The setting if it is one of `values`, else the first (the default): settings.json is hand-edited. */
function oneOf<T extends string>(v: unknown, values: readonly [T, ...T[]]): T {
  return values.includes(v as T) ? (v as T) : values[0];
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
