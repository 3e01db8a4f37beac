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
  /** The model server cannot be reached at all (no DNS, no route, refused): offline or behind a proxy. */
  | 'OFFLINE'
  | 'CANCELLED'
  | 'ENGINE_FAILED'
  | 'INTERNAL';

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The runtime's own words (ONNX Runtime, the OS): for the log, not for the user's message. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export function isCancelled(err: unknown): boolean {
  return err instanceof EngineError && err.code === 'CANCELLED';
}

/** Normalises anything thrown into a code + message (+ detail) that can cross a thread boundary. */
export function toErrorPayload(err: unknown): { code: ErrorCode; message: string; detail?: string } {
  if (err instanceof EngineError) return err.detail === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, detail: err.detail };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}
