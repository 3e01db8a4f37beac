/** What the engine needs from a SentencePiece model; implemented in sentencePiece.ts. */
export interface Tokenizer {
  readonly vocabSize: number;
  /** Plain encode: no BOS/EOS added, the model's own normaliser applied. */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}
