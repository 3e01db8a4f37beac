/**
 * Load-time edits of the community export's graphs. Only graph structure and small constants are re-encoded; weights
 * are carried over as raw bytes.
 *
 * - The backbone declares a static 1000-position KV cache that every step copies in and out in full (~45 % of a
 *   step); its graph logic never depends on that length, so a cache sized to the chunk gives identical results for
 *   a fraction of the cost.
 * - The Mimi decoder hands dozens of states straight back (the encoder's, per-conv flags): onnxruntime runs those
 *   Identity copies on every call whether or not they are fetched. Its transformer attends over a 1000-slot ring
 *   cache on every call although only context + the call's positions can be attended.
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

/** A small constant tensor (TensorProto: dims 1, data_type 2, int64_data 7 packed, raw_data 9) as numbers. */
interface SmallTensor {
  dataType: number;
  dims: number[];
  values: number[];
}

const INT64 = 7;
const FLOAT = 1;

function readSmallTensor(t: Uint8Array): SmallTensor | undefined {
  const f = parse(t);
  const dims = f.filter((x) => x.no === 1 && x.wire === 0).map((x) => x.value as number);
  const dataType = (f.find((x) => x.no === 2 && x.wire === 0)?.value as number) ?? 0;
  const raw = f.find((x) => x.no === 9 && x.wire === 2)?.value as Uint8Array | undefined;
  if (!raw || (dataType !== INT64 && dataType !== FLOAT) || raw.length > 1 << 16) return undefined;
  const copy = new Uint8Array(raw); // a copy (a Buffer's slice() would be a view), aligned for the typed view
  const values = dataType === INT64 ? Array.from(new BigInt64Array(copy.buffer), Number) : Array.from(new Float32Array(copy.buffer));
  return { dataType, dims, values };
}

function writeSmallTensor(t: SmallTensor): Uint8Array {
  const data = t.dataType === INT64 ? new Uint8Array(BigInt64Array.from(t.values, (v) => BigInt(v)).buffer) : new Uint8Array(Float32Array.from(t.values).buffer);
  return serialize([...t.dims.map((d) => ({ no: 1, wire: 0, value: d })), { no: 2, wire: 0, value: t.dataType }, { no: 9, wire: 2, value: data }]);
}

/**
 * The ring constants of the Mimi transformer's KV cache (`length` slots) resized to `ring`: the slot count (the
 * modulus and unwrap offsets), the slot index range, per-slot fills, a [1, length] shape. Undefined for any other use
 * of `length`, so an unfamiliar graph stays as it is.
 */
function resizedRingConstant(t: SmallTensor, length: number, ring: number): SmallTensor | null | undefined {
  const { values, dims } = t;
  if (!values.includes(length) && values.length !== length) return null; // not a ring constant: keep
  if (values.length === 1 && values[0] === length) return { ...t, values: [ring] };
  if (values.length === 2 && dims.length === 1 && values[0] === 1 && values[1] === length) return { ...t, values: [1, ring] };
  if (values.length === length && dims[dims.length - 1] === length) {
    const shape = [...dims.slice(0, -1), ring];
    if (values.every((v, i) => v === i)) return { ...t, dims: shape, values: Array.from({ length: ring }, (_, i) => i) };
    if (values.every((v) => v === values[0])) return { ...t, dims: shape, values: new Array(ring).fill(values[0]) };
  }
  return undefined;
}

/**
 * Shrinks the Mimi transformer's ring KV cache from `length` to `ring` slots: its attention (masks, softmax, both
 * products) runs over every slot on every call, and a ring of context + one call's positions gives the same result.
 * Edits the ring constants inside the nodes whose name contains `scope`, the named cache values' shapes, and drops
 * the optional value_info (shape hints ONNX Runtime infers again). Returns undefined when the graph uses the length in
 * a way this edit does not know.
 */
export function shrinkRingCache(model: Uint8Array, cacheNames: ReadonlySet<string>, scope: string, length: number, ring: number): Uint8Array | undefined {
  let unknown = false;
  let edited = 0;
  const bytes = mapField(model, 7, (graph) => {
    const out: Field[] = [];
    for (const f of parse(graph)) {
      if (f.wire !== 2) out.push(f);
      else if (f.no === 13) continue;
      else if ((f.no === 11 || f.no === 12) && cacheNames.has(text(repeated(f.value as Uint8Array, 1)[0] ?? new Uint8Array()))) {
        out.push({ ...f, value: mapField(f.value as Uint8Array, 2, (type) => mapField(type, 1, (tensor) => mapField(tensor, 2, (shape) => withDim(shape, length, ring)))) });
      } else if (f.no === 1) {
        const node = parse(f.value as Uint8Array);
        const op = text(repeated(node, 4)[0] ?? new Uint8Array());
        const name = text(repeated(node, 3)[0] ?? new Uint8Array());
        if (op !== 'Constant' || !name.includes(scope)) {
          out.push(f);
          continue;
        }
        out.push({
          ...f,
          value: mapField(f.value as Uint8Array, 5, (attr) =>
            mapField(attr, 5, (t) => {
              const small = readSmallTensor(t);
              const resized = small ? resizedRingConstant(small, length, ring) : null;
              if (resized === undefined) unknown = true;
              if (!resized) return t;
              edited++;
              return writeSmallTensor(resized);
            }),
          ),
        });
      } else out.push(f);
    }
    return serialize(out);
  });
  return unknown || edited === 0 ? undefined : bytes;
}

/** TensorShapeProto with every `length` dimension set to `size`. */
function withDim(shape: Uint8Array, length: number, size: number): Uint8Array {
  return serialize(
    parse(shape).map((f) => {
      if (f.no !== 1 || f.wire !== 2) return f;
      const isLength = parse(f.value as Uint8Array).some((d) => d.no === 1 && d.wire === 0 && d.value === length);
      return isLength ? { ...f, value: serialize([{ no: 1, wire: 0, value: size }]) } : f;
    }),
  );
}

/** The attention context of the nodes in `scope`: the constant of their `Less(distance, context)` masks, if one. */
export function ringContext(model: Uint8Array, scope: string): number | undefined {
  const graph = parse(model).find((f) => f.no === 7 && f.wire === 2);
  if (!graph) return undefined;
  const constants = new Map<string, SmallTensor>();
  const found = new Set<number>();
  for (const n of repeated(graph.value as Uint8Array, 1).map(parse)) {
    const op = text(repeated(n, 4)[0] ?? new Uint8Array());
    const name = text(repeated(n, 3)[0] ?? new Uint8Array());
    const inputs = repeated(n, 1).map(text);
    if (op === 'Constant') {
      const t = repeated(repeated(n, 5)[0] ?? new Uint8Array(), 5)[0];
      const small = t && readSmallTensor(t);
      if (small) constants.set(text(repeated(n, 2)[0] ?? new Uint8Array()), small);
    } else if (op === 'Less' && name.includes(scope)) {
      const c = constants.get(inputs[1] ?? '');
      if (c?.values.length === 1) found.add(c.values[0]);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** A block of the external-data file: `bytes` belong at `offset`. */
export interface ExternalBlock {
  offset: number;
  bytes: Uint8Array;
}

const PAGE = 4096;

/**
 * The model with every initializer of at least `minBytes` moved to an external-data file named `location` (next to
 * the model), each at a page-aligned offset, so ONNX Runtime maps the weights from the file instead of copying them
 * out of the model. TensorProto: raw_data 9 → external_data 13 (StringStringEntryProto key 1, value 2: location,
 * offset, length) with data_location 14 = EXTERNAL (1).
 */
export function externalizeInitializers(model: Uint8Array, location: string, minBytes = 1024): { model: Uint8Array; blocks: ExternalBlock[] } {
  const blocks: ExternalBlock[] = [];
  let end = 0;
  const enc = new TextEncoder();
  const entry = (key: string, value: string): Field => ({ no: 13, wire: 2, value: serialize([{ no: 1, wire: 2, value: enc.encode(key) }, { no: 2, wire: 2, value: enc.encode(value) }]) });
  const bytes = mapField(model, 7, (graph) =>
    serialize(
      parse(graph).map((f) => {
        if (f.no !== 5 || f.wire !== 2) return f;
        const fields = parse(f.value as Uint8Array);
        const raw = fields.find((x) => x.no === 9 && x.wire === 2)?.value as Uint8Array | undefined;
        if (!raw || raw.length < minBytes) return f;
        const offset = Math.ceil(end / PAGE) * PAGE;
        blocks.push({ offset, bytes: raw });
        end = offset + raw.length;
        const kept = fields.filter((x) => x.no !== 9);
        return { ...f, value: serialize([...kept, entry('location', location), entry('offset', String(offset)), entry('length', String(raw.length)), { no: 14, wire: 0, value: 1 }]) };
      }),
    ),
  );
  return { model: bytes, blocks };
}

/**
 * Returns the model bytes with intermediate float tensors `names` added as graph outputs (shape left to the
 * runtime), so one run also returns them. ValueInfoProto: name 1, type 2 → tensor_type 1 → elem_type 1 (FLOAT).
 */
export function addGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const outputs = names.map((name) => ({
    no: 12,
    wire: 2,
    value: serialize([
      { no: 1, wire: 2, value: enc.encode(name) },
      { no: 2, wire: 2, value: serialize([{ no: 1, wire: 2, value: serialize([{ no: 1, wire: 0, value: 1 }]) }]) },
    ]),
  }));
  return mapField(model, 7, (graph) => serialize([...parse(graph), ...outputs]));
}
