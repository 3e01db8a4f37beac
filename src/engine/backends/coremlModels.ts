/**
 * Loads the four CoreML step models with per-model compute units and reads everything the backend needs
 * from their descriptions: output names (coremlKeys.ts) and dimensions (width, latent size, capacity,
 * samples per frame). Nothing is hard-coded per pack size.
 */
import { EngineError } from '../../shared/errors';
import type { CoreMLModelFiles, CoreMLModelRole } from '../../shared/coremlFiles';
import { discoverLayerKeys, discoverMimiKeys, type LayerKeys, type MimiKeys } from './coremlKeys';
import type { ComputeUnits, CoreMLModel, CoreMLRuntime, ModelDescription } from './coremlRuntime';

/**
 * Measured by FluidAudio on M-series: cond/flowlm land on the GPU under `all` (the ANE rejects the rank-5
 * KV scatter), the flow head runs on the ANE. Mimi stays on the CPU: fp16 error compounds through its
 * feedback states on the ANE into audible beeping.
 */
export const DEFAULT_COMPUTE_UNITS: Record<CoreMLModelRole, ComputeUnits> = {
  cond_step: 'all',
  flowlm_step: 'all',
  flow_decoder: 'all',
  mimi_decoder: 'cpuOnly',
};

const UNITS: readonly ComputeUnits[] = ['all', 'cpuOnly', 'cpuAndGPU', 'cpuAndNeuralEngine'];

/** Defaults merged with `pocketReader.coremlComputeUnits`-style overrides; an unknown key or value throws. */
export function resolveComputeUnits(overrides: Record<string, string> = {}): Record<CoreMLModelRole, ComputeUnits> {
  const out = { ...DEFAULT_COMPUTE_UNITS };
  for (const [model, units] of Object.entries(overrides)) {
    if (!(model in out)) throw new EngineError('BACKEND_UNAVAILABLE', `coremlComputeUnits: unknown model "${model}" (models: ${Object.keys(out).join(', ')})`);
    if (!UNITS.includes(units as ComputeUnits)) throw new EngineError('BACKEND_UNAVAILABLE', `coremlComputeUnits.${model}: "${units}" is not one of ${UNITS.join(', ')}`);
    out[model as CoreMLModelRole] = units as ComputeUnits;
  }
  return out;
}

export interface CoreMLDims {
  conditioningDim: number;
  latentDim: number;
  layers: number;
  contextCapacity: number;
  samplesPerFrame: number;
}

export interface CoreMLModels {
  condStep: CoreMLModel;
  flowlmStep: CoreMLModel;
  flowDecoder: CoreMLModel;
  mimiDecoder: CoreMLModel;
  condKeys: LayerKeys;
  stepKeys: LayerKeys;
  velocityOutput: string;
  mimiKeys: MimiKeys;
  dims: CoreMLDims;
}

function inputShape(desc: ModelDescription, name: string, model: string): number[] {
  const d = desc.inputs.find((i) => i.name === name);
  if (!d) throw new EngineError('MODEL_CORRUPT', `CoreML ${model}: no input named ${name}`);
  return d.shape;
}

async function load(rt: CoreMLRuntime, file: string, computeUnits: ComputeUnits): Promise<CoreMLModel> {
  try {
    return await rt.loadModel(file, { computeUnits });
  } catch (e) {
    throw new EngineError('MODEL_CORRUPT', `CoreML could not load ${file} (${computeUnits}): ${(e as Error).message.split('\n')[0]}`);
  }
}

export async function loadCoreMLModels(rt: CoreMLRuntime, files: CoreMLModelFiles, units: Record<CoreMLModelRole, ComputeUnits>): Promise<CoreMLModels> {
  // Sequential on purpose: the real addon blocks anyway, and first-load specialization is heavy.
  const condStep = await load(rt, files.condStep, units.cond_step);
  const flowlmStep = await load(rt, files.flowlmStep, units.flowlm_step);
  const flowDecoder = await load(rt, files.flowDecoder, units.flow_decoder);
  const mimiDecoder = await load(rt, files.mimiDecoder, units.mimi_decoder);

  const condDesc = condStep.describe();
  const condKeys = discoverLayerKeys(condDesc, 'cond_step');
  const stepKeys = discoverLayerKeys(flowlmStep.describe(), 'flowlm_step');
  const mimiDesc = mimiDecoder.describe();
  const mimiKeys = discoverMimiKeys(mimiDesc);
  const flowDesc = flowDecoder.describe();
  if (flowDesc.outputs.length !== 1) throw new EngineError('MODEL_CORRUPT', `CoreML flow_decoder: expected one (velocity) output, found ${flowDesc.outputs.length}`);

  const conditioningDim = inputShape(condDesc, 'conditioning', 'cond_step')[2];
  const latentDim = inputShape(flowDesc, 'latent', 'flow_decoder')[1];
  const same = (a: number[], b: number[]) => a.join() === b.join();
  if (!same(condKeys.cacheShape, stepKeys.cacheShape) || condKeys.cacheInputs.length !== stepKeys.cacheInputs.length) {
    throw new EngineError('MODEL_CORRUPT', `CoreML cond_step and flowlm_step disagree on the KV cache ([${condKeys.cacheShape}] x${condKeys.cacheInputs.length} vs [${stepKeys.cacheShape}] x${stepKeys.cacheInputs.length}): mixed packs`);
  }
  const audioShape = mimiDesc.outputs.find((o) => o.name === mimiKeys.audioOutput)!.shape;
  return {
    condStep,
    flowlmStep,
    flowDecoder,
    mimiDecoder,
    condKeys,
    stepKeys,
    velocityOutput: flowDesc.outputs[0].name,
    mimiKeys,
    dims: {
      conditioningDim,
      latentDim,
      layers: condKeys.cacheInputs.length,
      contextCapacity: condKeys.cacheShape[2],
      samplesPerFrame: audioShape[2],
    },
  };
}
