/** The per-bundle head table (models/timestamp-heads.json): which backbone heads follow the text, for word timing. */
import table from '../../models/timestamp-heads.json';
import type { AttentionTap } from './backend';
import type { Bundle } from './modelFiles';

const bundles: Record<string, AttentionTap[]> = table.bundles;

/** The timestamp heads of a model set, or none (other languages, unknown sets: the reader highlights sentences). */
export function timestampHeads(bundle: Pick<Bundle, 'bundle_name'>): AttentionTap[] {
  return bundles[bundle.bundle_name] ?? [];
}
