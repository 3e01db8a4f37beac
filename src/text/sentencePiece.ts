// Tokenizer backed by the real SentencePiece C++ code compiled to wasm (@agnai/sentencepiece-js), so the
// model's precompiled normaliser and unigram search match Python's `sp.encode` id for id.
// The wasm is embedded in the package's JS as a base64 data URI: nothing to locate on disk, so it survives
// esbuild bundling and runs in worker_threads (see report / test/unit/sentencepiece.test.ts).
import { readFileSync } from 'node:fs';
import { SentencePieceProcessor } from '@agnai/sentencepiece-js';
import { EngineError } from '../shared/errors';
import type { Tokenizer } from './tokenizer';

export async function loadSentencePiece(modelPath: string): Promise<Tokenizer> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(modelPath);
  } catch (err) {
    throw new EngineError('MODEL_MISSING', `Tokenizer not found: ${modelPath} (${(err as Error).message})`);
  }
  // The wasm API has no GetPieceSize, and a bad file loads "successfully" as an empty model,
  // so the vocabulary size is read from the protobuf itself.
  const vocabSize = countPieces(bytes);
  if (vocabSize === 0) throw new EngineError('MODEL_CORRUPT', `Not a SentencePiece model: ${modelPath}`);

  const sp = new SentencePieceProcessor();
  await sp.load(modelPath);
  return new WasmTokenizer(sp, vocabSize);
}

class WasmTokenizer implements Tokenizer {
  constructor(
    private readonly sp: SentencePieceProcessor,
    readonly vocabSize: number,
  ) {}

  encode(text: string): number[] {
    if (text === '') return [];
    return this.sp.encodeIds(toWellFormed(text));
  }

  encodePieces(text: string): string[] {
    if (text === '') return [];
    return this.sp.encodePieces(toWellFormed(text));
  }

  decode(ids: readonly number[]): string {
    for (const id of ids) {
      // Python raises on these; the wasm build would read out of bounds or abort.
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new RangeError(`piece id ${id} is out of range [0, ${this.vocabSize})`);
      }
    }
    if (ids.length === 0) return '';
    return this.sp.decodeIds([...ids]);
  }
}

/** Lone surrogates would be written to wasm memory as invalid UTF-8; map them to U+FFFD first. */
function toWellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Counts ModelProto field 1 (`repeated SentencePiece pieces`, length-delimited) at the top level. */
export function countPieces(buf: Uint8Array): number {
  let pos = 0;
  let count = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
      if (mul > 2 ** 56) throw new Error('varint too long');
    }
  };
  try {
    while (pos < buf.length) {
      const key = varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (wire === 0) varint();
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const len = varint();
        pos += len;
        if (field === 1) count++;
      } else return 0; // groups (3/4) never appear in a ModelProto: treat as corrupt
      if (pos > buf.length) return 0;
    }
  } catch {
    return 0;
  }
  return count;
}
