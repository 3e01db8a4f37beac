/** What the engine needs from a SentencePiece model; implemented in sentencePiece.ts. */
export interface Tokenizer {
  readonly vocabSize: number;
  /** Plain encode: no BOS/EOS added, the model's own normaliser applied. */
  encode(text: string): number[];
  /** The pieces `encode` produces, as strings ("▁the", "<0xC3>"): where each token sits in the text. */
  encodePieces(text: string): string[];
  decode(ids: readonly number[]): string;
}
