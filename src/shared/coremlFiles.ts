/**
 * Locates a CoreML step set (FluidInference/pocket-tts-coreml v2 layout): four models next to
 * `constants_bin/`. Only file presence is checked here; shapes and names come from the models at load.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from './errors';

export interface CoreMLModelFiles {
  dir: string;
  condStep: string;
  flowlmStep: string;
  flowDecoder: string;
  mimiDecoder: string;
  constantsDir: string;
}

export type CoreMLModelRole = 'cond_step' | 'flowlm_step' | 'flow_decoder' | 'mimi_decoder';

/** Compiled models first (what the pack ships); a source package is compiled once by the addon. */
export const COREML_SOURCES = ['.mlmodelc', '.mlpackage'] as const;

export interface ResolveCoreMLOptions {
  /** Model file extensions to accept, in order (tests pass the ONNX stand-ins' '.onnx'). */
  sources?: readonly string[];
  /** 'int8' prefers `flowlm_stepv2` (int8 linears, same I/O); default fp16 `flowlm_step`, either as fallback. */
  precision?: 'fp16' | 'int8';
}

function find(dir: string, names: readonly string[], sources: readonly string[]): string | undefined {
  for (const n of names) for (const ext of sources) if (existsSync(path.join(dir, n + ext))) return path.join(dir, n + ext);
  return undefined;
}

/** Why `dir` is not a usable CoreML set, or undefined when every file is present. */
export function coremlSetProblem(dir: string, opts: ResolveCoreMLOptions = {}): string | undefined {
  try {
    resolveCoreMLFiles(dir, opts);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function resolveCoreMLFiles(dir: string, opts: ResolveCoreMLOptions = {}): CoreMLModelFiles {
  const sources = opts.sources ?? COREML_SOURCES;
  const flowlm = opts.precision === 'int8' ? ['flowlm_stepv2', 'flowlm_step'] : ['flowlm_step', 'flowlm_stepv2'];
  const need = (names: readonly string[]) => {
    const f = find(dir, names, sources);
    if (!f) throw new EngineError('MODEL_MISSING', `${names[0]}{${sources.join(',')}} is missing in ${dir}: not a complete CoreML model set`);
    return f;
  };
  const constantsDir = path.join(dir, 'constants_bin');
  if (!existsSync(path.join(constantsDir, 'text_embed_table.bin'))) {
    throw new EngineError('MODEL_MISSING', `constants_bin/text_embed_table.bin is missing in ${dir}: not a complete CoreML model set`);
  }
  return {
    dir,
    condStep: need(['cond_step']),
    flowlmStep: need(flowlm),
    flowDecoder: need(['flow_decoder']),
    mimiDecoder: need(['mimi_decoder']),
    constantsDir,
  };
}
