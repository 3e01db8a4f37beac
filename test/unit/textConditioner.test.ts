// Text conditioning reads the export's embedding table directly when the graph is the plain Gather it ships as, and
// runs any other graph in ONNX Runtime; both give the table's rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataType } from '../../src/engine/backends/onnxModelRead';
import { GraphBuilder } from '../../src/engine/backends/onnxModelWrite';
import { loadTextConditioner } from '../../src/engine/backends/textConditioner';

const ROWS = 7;
const DIM = 5;
const table = Float32Array.from({ length: ROWS * DIM }, (_, i) => i * 0.25 - 3);

function graph(extraIdentity: boolean): Uint8Array {
  const b = new GraphBuilder();
  const ids = b.input('token_ids', DataType.INT64, [1, 'T']);
  const weight = b.floats('embed.weight', table, [ROWS, DIM]);
  if (extraIdentity) b.node('Identity', [b.op('Gather', [weight, ids])], ['embeddings']);
  else b.node('Gather', [weight, ids], ['embeddings']);
  b.output('embeddings', DataType.FLOAT, [1, 'T', DIM]);
  return b.model('text', { '': 17 });
}

test('embeddings are the table rows, from the table or from a session', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-text-'));
  try {
    const ids = [3, 0, 6, 3];
    const want = ids.flatMap((id) => [...table.subarray(id * DIM, (id + 1) * DIM)]);
    for (const extra of [false, true]) {
      const file = path.join(dir, `text-${extra}.onnx`);
      writeFileSync(file, graph(extra));
      const t = await loadTextConditioner(file);
      const e = await t.embed(ids);
      assert.deepEqual(e.dims, [1, ids.length, DIM]);
      assert.deepEqual([...(e.data as Float32Array)], want);
      await t.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
