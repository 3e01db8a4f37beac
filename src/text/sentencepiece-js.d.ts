// The package ships no typings; this declares only the surface sentencePiece.ts uses.
declare module '@agnai/sentencepiece-js' {
  export class SentencePieceProcessor {
    /** Reads the model with fs.readFileSync(path) into the wasm's in-memory FS. */
    load(path: string): Promise<void>;
    encodeIds(text: string): number[];
    encodePieces(text: string): string[];
    decodeIds(ids: number[]): string;
  }
}
