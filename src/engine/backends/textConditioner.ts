/**
 * Text conditioning: token ids → embeddings [1, T, D]. The export's graph is a single Gather from one table; that
 * lookup is done here from the table itself, which spares the engine an ONNX Runtime session (a few hundred ms of
 * a cold start on these machines, and a second copy of the table). Any other graph runs as a session.
 */
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import { DataType, readGraph } from './onnxModelRead';
import { createSession } from './onnxSession';

export interface TextConditioner {
  embed(tokenIds: readonly number[]): Promise<ort.Tensor>;
  dispose(): Promise<void>;
}

/** The table when the graph is `embeddings = Gather(table, token_ids)`. */
function lookupTable(bytes: Uint8Array): { table: Float32Array; rows: number; dim: number } | undefined {
  const g = readGraph(bytes);
  const [node] = g.nodes;
  const init = node && g.initializers.get(node.inputs[0]);
  if (g.nodes.length !== 1 || node.opType !== 'Gather' || (node.attrs.get('axis') ?? 0) !== 0 || node.inputs[1] !== 'token_ids' || node.outputs[0] !== 'embeddings') return undefined;
  if (!init || init.dataType !== DataType.FLOAT || init.dims.length !== 2) return undefined;
  const copy = new Uint8Array(init.bytes); // a copy (a Buffer's slice() would be a view), aligned for the typed view
  return { table: new Float32Array(copy.buffer, 0, copy.length / 4), rows: init.dims[0], dim: init.dims[1] };
}

export async function loadTextConditioner(file: string): Promise<TextConditioner> {
  const t = existsSync(file) ? lookupTable(readFileSync(file)) : undefined;
  if (t) {
    return {
      embed: async (ids) => {
        const out = new Float32Array(ids.length * t.dim);
        ids.forEach((id, i) => {
          if (!Number.isInteger(id) || id < 0 || id >= t.rows) throw new RangeError(`token id ${id} outside the ${t.rows}-row embedding table`);
          out.set(t.table.subarray(id * t.dim, (id + 1) * t.dim), i * t.dim);
        });
        return new ort.Tensor('float32', out, [1, ids.length, t.dim]);
      },
      dispose: async () => undefined,
    };
  }
  const session = await createSession(file, 1);
  return {
    embed: async (ids) => {
      const tokenIds = new ort.Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [1, ids.length]);
      return (await session.run({ token_ids: tokenIds })).embeddings as ort.Tensor;
    },
    dispose: () => session.release(),
  };
}
