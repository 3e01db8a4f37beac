/**
 * Load-time edits of the community export's graphs. Only graph structure is re-encoded; weights are carried over as
 * raw bytes.
 *
 * - The backbone declares a static 1000-position KV cache that every step copies in and out in full (~45 % of a
 *   step); its graph logic never depends on that length, so a cache sized to the chunk gives identical results for
 *   a fraction of the cost.
 * - The Mimi decoder hands dozens of states straight back (the encoder's, per-conv flags): onnxruntime runs those
 *   Identity copies on every call whether or not they are fetched.
 */
import { mapField, parse, repeated, serialize, text, type Field } from './protobuf';

/** ValueInfoProto name(1), type(2) → TypeProto tensor_type(1) → shape(2) → dim(1) → dim_value(1) | dim_param(2). */
function withSymbolicLength(shape: Uint8Array, length: number, param: string): Uint8Array {
  return serialize(
    parse(shape).map((f) => {
      if (f.no !== 1 || f.wire !== 2) return f;
      const dim = parse(f.value as Uint8Array);
      const isLength = dim.some((d) => d.no === 1 && d.wire === 0 && d.value === length);
      return isLength ? { no: 1, wire: 2, value: serialize([{ no: 2, wire: 2, value: new TextEncoder().encode(param) }]) } : f;
    }),
  );
}

/** Names of every tensor computed from `sources` (nodes are in topological order: NodeProto input(1), output(2)). */
function downstreamOf(nodes: Uint8Array[], sources: ReadonlySet<string>): Set<string> {
  const reached = new Set(sources);
  for (const node of nodes) {
    const fields = parse(node);
    if (repeated(fields, 1).some((i) => reached.has(text(i)))) for (const o of repeated(fields, 2)) reached.add(text(o));
  }
  return reached;
}

/**
 * Returns the model bytes with every static `length` dimension made symbolic (`param`) on the named state
 * values (graph inputs and outputs) and on every value computed from them: shape inference (which the published
 * INT8 graphs went through) records the static cache length on the whole KV path, and ORT warns on each step
 * whose real shapes disagree. `changed` counts the named state values edited. ModelProto.graph(7) →
 * node(1), input(11), output(12), value_info(13).
 */
export function makeCacheLengthSymbolic(
  model: Uint8Array,
  stateNames: ReadonlySet<string>,
  length: number,
  param: string,
): { bytes: Uint8Array; changed: number } {
  let changed = 0;
  const bytes = mapField(model, 7, (graph) => {
    const fields = parse(graph);
    const onPath = downstreamOf(repeated(fields, 1), stateNames);
    const editValueInfo = (vi: Uint8Array): Uint8Array => {
      const name = text(repeated(vi, 1)[0] ?? new Uint8Array());
      if (!onPath.has(name)) return vi;
      if (stateNames.has(name)) changed++;
      return mapField(vi, 2, (type) => mapField(type, 1, (tensor) => mapField(tensor, 2, (shape) => withSymbolicLength(shape, length, param))));
    };
    return serialize(fields.map((f) => ((f.no === 11 || f.no === 12 || f.no === 13) && f.wire === 2 ? { ...f, value: editValueInfo(f.value as Uint8Array) } : f)));
  });
  return { bytes, changed };
}

/**
 * The model without its pass-through outputs (a graph output that is a graph input, or an Identity of one) and
 * without the inputs nothing reads any more. GraphProto node(1) → NodeProto input(1), output(2), op_type(4);
 * input(11), output(12) → ValueInfoProto name(1).
 */
export function withoutPassThrough(model: Uint8Array): Uint8Array {
  return mapField(model, 7, (graph) => {
    const fields = parse(graph);
    const nameOf = (f: Field) => text(repeated(f.value as Uint8Array, 1)[0] ?? new Uint8Array());
    const inputs = new Set(fields.filter((f) => f.no === 11 && f.wire === 2).map(nameOf));
    const outputs = new Set(fields.filter((f) => f.no === 12 && f.wire === 2).map(nameOf));
    const dropped = new Set([...outputs].filter((o) => inputs.has(o)));
    const nodes = new Map<Field, { inputs: string[]; outputs: string[] }>();
    for (const f of fields) {
      if (f.no !== 1 || f.wire !== 2) continue;
      const n = parse(f.value as Uint8Array);
      const io = { inputs: repeated(n, 1).map(text), outputs: repeated(n, 2).map(text) };
      const op = text(repeated(n, 4)[0] ?? new Uint8Array());
      if (op === 'Identity' && inputs.has(io.inputs[0]) && outputs.has(io.outputs[0])) dropped.add(io.outputs[0]);
      else nodes.set(f, io);
    }
    const read = new Set([...nodes.values()].flatMap((n) => n.inputs));
    for (const o of outputs) if (!dropped.has(o)) read.add(o);
    return serialize(
      fields.filter((f) => {
        if (f.no === 1 && f.wire === 2) return nodes.has(f);
        if (f.no === 12 && f.wire === 2) return !dropped.has(nameOf(f));
        if (f.no === 11 && f.wire === 2) return read.has(nameOf(f));
        return true;
      }),
    );
  });
}
