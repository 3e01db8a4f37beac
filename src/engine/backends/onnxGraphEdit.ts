/**
 * Makes the KV-cache length of the community export symbolic. The export declares a static
 * 1000-position cache that every step copies in and out in full (~45 % of a step); its graph logic
 * never depends on that length, so a cache sized to the chunk gives identical results for a fraction
 * of the cost. This is a minimal protobuf walk: only the value-info shapes on the path are re-encoded,
 * weights are carried over as raw bytes.
 */

interface Field {
  no: number;
  wire: number;
  /** Varint value (wire 0) or the raw payload (wire 1, 2, 5). */
  value: number | Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated protobuf');
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [result, pos];
    shift += 7;
  }
}

function parse(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    pos = p1;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      fields.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      if (p2 + len > buf.length) throw new Error('truncated protobuf');
      fields.push({ no, wire, value: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      fields.push({ no, wire, value: buf.subarray(pos, pos + n) });
      pos += n;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
  return fields;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function serialize(fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const f of fields) {
    const head = varint(f.no * 8 + f.wire);
    let part: Uint8Array[];
    if (f.wire === 0) part = [Uint8Array.from([...head, ...varint(f.value as number)])];
    else if (f.wire === 2) part = [Uint8Array.from([...head, ...varint((f.value as Uint8Array).length)]), f.value as Uint8Array];
    else part = [Uint8Array.from(head), f.value as Uint8Array];
    for (const p of part) (parts.push(p), (size += p.length));
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

const utf8 = new TextDecoder();
const enc = new TextEncoder();

/** Rewrites one field path inside a message, leaving everything else byte-for-byte. */
function mapField(buf: Uint8Array, no: number, fn: (payload: Uint8Array) => Uint8Array): Uint8Array {
  return serialize(parse(buf).map((f) => (f.no === no && f.wire === 2 ? { ...f, value: fn(f.value as Uint8Array) } : f)));
}

/** TensorShapeProto with dimension `axis` replaced by a named symbolic dimension. */
function symbolicDim(shape: Uint8Array, axis: number, param: string): Uint8Array {
  let i = -1;
  return serialize(
    parse(shape).map((f) => {
      if (f.no !== 1 || f.wire !== 2 || ++i !== axis) return f;
      return { ...f, value: serialize([{ no: 2, wire: 2, value: enc.encode(param) }]) };
    }),
  );
}

/**
 * Returns the model bytes with `axis` of every named value (graph inputs, outputs, value_info) made
 * symbolic. Value-info entries: ModelProto.graph(7) → input(11)/output(12)/value_info(13) →
 * type(2) → tensor_type(1) → shape(2).
 */
export function makeDimSymbolic(model: Uint8Array, names: ReadonlySet<string>, axis: number, param: string): { bytes: Uint8Array; changed: number } {
  let changed = 0;
  const editValueInfo = (vi: Uint8Array): Uint8Array => {
    const nameField = parse(vi).find((f) => f.no === 1 && f.wire === 2);
    if (!nameField || !names.has(utf8.decode(nameField.value as Uint8Array))) return vi;
    changed++;
    return mapField(vi, 2, (type) => mapField(type, 1, (tensor) => mapField(tensor, 2, (shape) => symbolicDim(shape, axis, param))));
  };
  const bytes = mapField(model, 7, (graph) =>
    serialize(parse(graph).map((f) => ((f.no === 11 || f.no === 12 || f.no === 13) && f.wire === 2 ? { ...f, value: editValueInfo(f.value as Uint8Array) } : f))),
  );
  return { bytes, changed };
}

export interface GraphNode {
  name: string;
  opType: string;
  outputs: string[];
}

/** The graph's nodes (NodeProto: output 2, name 3, op_type 4), without their attributes. */
export function graphNodes(model: Uint8Array): GraphNode[] {
  const graph = parse(model).find((f) => f.no === 7 && f.wire === 2);
  if (!graph) throw new Error('no graph in the model');
  return parse(graph.value as Uint8Array)
    .filter((f) => f.no === 1 && f.wire === 2)
    .map((f) => {
      const node: GraphNode = { name: '', opType: '', outputs: [] };
      for (const g of parse(f.value as Uint8Array)) {
        if (g.wire !== 2) continue;
        if (g.no === 2) node.outputs.push(utf8.decode(g.value as Uint8Array));
        else if (g.no === 3) node.name = utf8.decode(g.value as Uint8Array);
        else if (g.no === 4) node.opType = utf8.decode(g.value as Uint8Array);
      }
      return node;
    });
}

/**
 * Returns the model bytes with intermediate float tensors `names` added as graph outputs (shape left to the
 * runtime), so one run also returns them. ValueInfoProto: name 1, type 2 → tensor_type 1 → elem_type 1 (FLOAT).
 */
export function addGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
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
