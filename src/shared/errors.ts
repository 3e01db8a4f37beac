/** Stable error codes: the extension maps them to messages and actions, tests assert on them. */
export type ErrorCode =
  | 'EMPTY_TEXT'
  | 'NOTHING_SPEAKABLE'
  | 'UNKNOWN_VOICE'
  /** A recording that cannot make a voice (not audio, too short, silent, unsupported format). */
  | 'BAD_RECORDING'
  | 'MODEL_MISSING'
  | 'MODEL_CORRUPT'
  | 'BACKEND_UNAVAILABLE'
  | 'DOWNLOAD_FAILED'
  | 'CANCELLED'
  | 'ENGINE_FAILED'
  | 'INTERNAL';

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export function isCancelled(err: unknown): boolean {
  return err instanceof EngineError && err.code === 'CANCELLED';
}

/** Normalises anything thrown into a code + message that can cross a thread boundary. */
export function toErrorPayload(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof EngineError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}
