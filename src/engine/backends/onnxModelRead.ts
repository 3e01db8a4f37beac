/**
 * Reads what a graph rebuild needs from an ONNX model: its nodes (op, inputs, outputs, scalar attributes) and its
 * initializers, whose bytes stay views into the model buffer.
 */
import { parse, readVarint, repeated, text, type Field } from './protobuf';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;

export interface Initializer {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian element bytes (raw_data, or a packed float_data payload, which has the same layout). */
  bytes: Uint8Array;
}

export interface GraphNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Integer and float attributes by name (AttributeProto i = 3, f = 2). */
  attrs: Map<string, number>;
}

export interface OnnxGraph {
  nodes: GraphNode[];
  initializers: Map<string, Initializer>;
  /** Names of the graph inputs and outputs. */
  inputs: string[];
  outputs: string[];
}

const float32At = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);

function readAttribute(fields: Field[]): [string, number] | undefined {
  const name = text(repeated(fields, 1)[0] ?? new Uint8Array());
  const i = fields.find((f) => f.no === 3 && f.wire === 0);
  if (i) return [name, i.value as number];
  const f = fields.find((x) => x.no === 2 && x.wire === 5);
  if (f) return [name, float32At(f.value as Uint8Array)];
  return undefined;
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7. */
function readNode(bytes: Uint8Array): GraphNode {
  const fields = parse(bytes);
  const one = (no: number) => text(repeated(fields, no)[0] ?? new Uint8Array());
  const attrs = new Map<string, number>();
  for (const a of repeated(fields, 5)) {
    const kv = readAttribute(parse(a));
    if (kv) attrs.set(kv[0], kv[1]);
  }
  return {
    name: one(3),
    opType: one(4),
    domain: one(7),
    inputs: repeated(fields, 1).map(text),
    outputs: repeated(fields, 2).map(text),
    attrs,
  };
}

/** TensorProto: dims 1 (packed or not), data_type 2, float_data 4, name 8, raw_data 9, data_location 14. */
function readInitializer(bytes: Uint8Array): Initializer | undefined {
  const fields = parse(bytes);
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  let floatData: Uint8Array | undefined;
  for (const f of fields) {
    if (f.no === 1 && f.wire === 0) dims.push(f.value as number);
    else if (f.no === 1 && f.wire === 2) {
      const packed = f.value as Uint8Array;
      for (let p = 0; p < packed.length; ) {
        const [v, next] = readVarint(packed, p);
        dims.push(v);
        p = next;
      }
    } else if (f.no === 2 && f.wire === 0) dataType = f.value as number;
    else if (f.no === 8 && f.wire === 2) name = text(f.value as Uint8Array);
    else if (f.no === 9 && f.wire === 2) raw = f.value as Uint8Array;
    else if (f.no === 4 && f.wire === 2) floatData = f.value as Uint8Array;
    else if (f.no === 14 && f.wire === 0 && f.value === 1) return undefined; // external data: not in this buffer
  }
  const data = raw ?? (dataType === DataType.FLOAT ? floatData : undefined);
  const count = dims.reduce((a, b) => a * b, 1);
  const size = { [DataType.FLOAT]: 4, [DataType.INT8]: 1, [DataType.UINT8]: 1, [DataType.INT32]: 4, [DataType.INT64]: 8 }[dataType];
  if (!name || !data || size === undefined || data.length !== count * size) return undefined;
  return { name, dataType, dims, bytes: data };
}

/**
 * ModelProto.graph (7) → GraphProto node (1), initializer (5), input (11), output (12; ValueInfoProto name 1).
 * Initializers this reader cannot place are left out.
 */
export function readGraph(model: Uint8Array): OnnxGraph {
  const graph = parse(model).find((f) => f.no === 7 && f.wire === 2);
  if (!graph) throw new Error('no graph in the model');
  const fields = parse(graph.value as Uint8Array);
  const initializers = new Map<string, Initializer>();
  for (const b of repeated(fields, 5)) {
    const init = readInitializer(b);
    if (init) initializers.set(init.name, init);
  }
  const names = (no: number) => repeated(fields, no).map((vi) => text(repeated(vi, 1)[0] ?? new Uint8Array()));
  return { nodes: repeated(fields, 1).map(readNode), initializers, inputs: names(11), outputs: names(12) };
}
