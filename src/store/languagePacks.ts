/**
 * The published language bundles of the community ONNX export and their voices. English keeps its pinned manifest
 * (models/onnx-manifest.json); the other languages are downloaded from the listing of one pinned commit of each
 * repository and verified against that listing (see languagePackStore.ts).
 *
 * Verified from sources: bundle names (KevinAHM/pocket-tts-onnx @58a6d00c "Add v2 bundles"), layer counts and flags
 * (kyutai-labs/pocket-tts pocket_tts/config/*.yaml), voice folders `languages/<bundle>/embeddings` at e041936c and
 * default voices (pocket_tts/utils/utils.py, default_parameters.py). Licences: see VOICES below.
 */
import type { LanguageCode } from '../text/language/codes';
import { onnxManifest } from './manifest';

export type ModelSize = 'standard' | 'large';

export interface VoiceInfo {
  name: string;
  license: string;
  /** Where the voice's recording comes from. */
  source: string;
}

export interface LanguagePack {
  language: LanguageCode;
  /** Folder name in both repositories, and the store folder: `german_24l`. */
  bundle: string;
  layers: 6 | 24;
  defaultVoice: string;
  voices: readonly VoiceInfo[];
  /** Rough download size of the model files plus one voice, for the prompt (the listing has the exact sizes). */
  approxMB: number;
}

export const ONNX_REPO = { repo: 'KevinAHM/pocket-tts-onnx', revision: '58a6d00cf13d239b6748cb0769f35c580a8f606c' } as const;
export const VOICES_REPO = { repo: 'kyutai/pocket-tts-without-voice-cloning', revision: 'e041936c75475d350b405bc870bcf7c22da4e9e6' } as const;

/**
 * The bundle files the ONNX backend loads (int8 backbone and flow, fp32 Mimi like the English pins); the encoder,
 * the fp32 backbone and the int8 Mimi are not downloaded.
 */
export const BUNDLE_FILES = ['bundle.json', 'tokenizer.model', 'bos_before_voice.npy', 'text_conditioner.onnx', 'flow_lm_main_int8.onnx', 'flow_lm_flow_int8.onnx', 'mimi_decoder.onnx'] as const;

/** The English voices (licences from the English manifest) exist in every language folder and speak it with an accent. */
const ENGLISH_VOICES: VoiceInfo[] = onnxManifest.files
  .filter((f) => f.group.startsWith('voice:'))
  .map((f) => ({ name: f.group.slice('voice:'.length), license: f.license ?? onnxManifest.license, source: f.source ?? 'kyutai/tts-voices' }));

/**
 * The language's own voices. giovanni and lola are Common Voice clips (dataset CC0-1.0). juergen, rafael and estelle
 * are published by Kyutai in the CC-BY-4.0 embeddings repository without a stated licence for their source
 * recordings: CC-BY-4.0 is assumed from the repository. cosette and jean (CC-BY-NC-4.0 sources) are left out as in
 * English.
 */
const NATIVE: Record<Exclude<LanguageCode, 'en'>, VoiceInfo> = {
  fr: { name: 'estelle', license: 'CC-BY-4.0', source: 'kyutai/tts-voices unmute-prod-website (licence of the recording assumed)' },
  de: { name: 'juergen', license: 'CC-BY-4.0', source: 'Kyutai (licence of the recording assumed)' },
  it: { name: 'giovanni', license: 'CC0-1.0', source: 'Common Voice (it)' },
  pt: { name: 'rafael', license: 'CC-BY-4.0', source: 'Kyutai (licence of the recording assumed)' },
  es: { name: 'lola', license: 'CC0-1.0', source: 'Common Voice (es)' },
};

const STEM: Record<Exclude<LanguageCode, 'en'>, string> = { fr: 'french', de: 'german', it: 'italian', pt: 'portuguese', es: 'spanish' };

/** French is published only as the 24-layer model; English only as the 6-layer one. */
export function packFor(language: LanguageCode, size: ModelSize = 'standard'): LanguagePack {
  if (language === 'en') {
    return { language, bundle: onnxManifest.bundle, layers: 6, defaultVoice: onnxManifest.defaultVoice, voices: ENGLISH_VOICES, approxMB: 150 };
  }
  const large = size === 'large' || language === 'fr';
  const own = NATIVE[language];
  return {
    language,
    bundle: large ? `${STEM[language]}_24l` : STEM[language],
    layers: large ? 24 : 6,
    defaultVoice: own.name,
    voices: [own, ...Object.values(NATIVE).filter((v) => v !== own), ...ENGLISH_VOICES],
    approxMB: large ? 360 : 150,
  };
}

const BY_STEM: Record<string, LanguageCode> = { english: 'en', french: 'fr', german: 'de', italian: 'it', portuguese: 'pt', spanish: 'es' };

/** The language a bundle speaks, from its name (`german_24l`, `english_2026-04`); unknown names (test models) are English. */
export function languageOfBundle(bundleName: string | undefined): LanguageCode {
  return BY_STEM[(bundleName ?? '').split('_')[0]!] ?? 'en';
}

/** Every bundle the ONNX repository publishes (tests, README). */
export function publishedBundles(): string[] {
  return [...new Set((['en', 'fr', 'de', 'it', 'pt', 'es'] as const).flatMap((l) => [packFor(l, 'standard').bundle, packFor(l, 'large').bundle]))];
}
