/** How many intra-op threads the backbone gets; the Mimi decoder always has a thread of its own. */
import { availableParallelism } from 'node:os';

/**
 * `requested` threads, or with 0 / nothing the automatic choice: one core stays with the Mimi decoder thread and
 * one with everything else (the engine loop, the editor), and a single-row step stops gaining past 4 threads:
 * 1 thread on 2–3 cores (2 measured 35 % slower on 2 cores: they fight the decoder), 2 on 4, 3 on 5, 4 on 6 or more.
 */
export function backboneThreads(requested?: number, cores = availableParallelism()): number {
  if (requested !== undefined && requested > 0) return Math.floor(requested);
  return Math.max(1, Math.min(4, cores - 2));
}
