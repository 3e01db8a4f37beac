/**
 * Writes an ONNX model from nodes, initializers and typed graph inputs/outputs. Just enough of the format for graphs
 * the engine builds at load time; weights are referenced, not copied, until the single final encode.
 */
import { DataType } from './onnxModelRead';
import { encodeMessage, pb, type OutField } from './protobuf';

/** A dimension: fixed size or a symbolic name. */
export type Dim = number | string;

export type Attr = { i: number } | { f: number } | { ints: number[] };

/** AttributeProto: name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7). */
function attribute(name: string, a: Attr): OutField {
  const fields = [pb.string(1, name)];
  if ('i' in a) fields.push(pb.varint(3, a.i), pb.varint(20, 2));
  else if ('f' in a) fields.push(pb.float(2, a.f), pb.varint(20, 1));
  else fields.push(...a.ints.map((v) => pb.varint(8, v)), pb.varint(20, 7));
  return pb.message(5, fields);
}

/** ValueInfoProto name 1, type 2 → tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2. */
function valueInfo(no: number, name: string, elemType: number, dims: readonly Dim[]): OutField {
  const shape = dims.map((d) => pb.message(1, [typeof d === 'number' ? pb.varint(1, d) : pb.string(2, d)]));
  return pb.message(no, [pb.string(1, name), pb.message(2, [pb.message(1, [pb.varint(1, elemType), pb.message(2, shape)])])]);
}

export class GraphBuilder {
  private readonly nodes: OutField[] = [];
  private readonly initializers: OutField[] = [];
  private readonly inputs: OutField[] = [];
  private readonly outputs: OutField[] = [];
  private count = 0;

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(11, name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(12, name, elemType, dims));
  }

  /** TensorProto: dims 1, data_type 2, name 8, raw_data 9. */
  initializer(name: string, dataType: number, dims: readonly number[], bytes: Uint8Array): string {
    this.initializers.push(pb.message(5, [...dims.map((d) => pb.varint(1, d)), pb.varint(2, dataType), pb.string(8, name), pb.bytes(9, bytes)]));
    return name;
  }

  floats(name: string, values: Float32Array, dims: readonly number[]): string {
    return this.initializer(name, DataType.FLOAT, dims, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  int64s(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    return this.initializer(name, DataType.INT64, dims, new Uint8Array(data.buffer));
  }

  /** Adds a node; returns its output names (`outputs` given as names, or a count of fresh ones). */
  node(op: string, inputs: readonly string[], outputs: number | readonly string[] = 1, attrs: Record<string, Attr> = {}, domain = ''): string[] {
    const id = this.count++;
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => `${op}_${id}_${i}`) : [...outputs];
    this.nodes.push(
      pb.message(1, [
        ...inputs.map((i) => pb.string(1, i)),
        ...names.map((o) => pb.string(2, o)),
        pb.string(3, `${op}_${id}`),
        pb.string(4, op),
        ...Object.entries(attrs).map(([k, v]) => attribute(k, v)),
        ...(domain ? [pb.string(7, domain)] : []),
      ]),
    );
    return names;
  }

  /** One node with one output. */
  op(op: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, domain = ''): string {
    return this.node(op, inputs, 1, attrs, domain)[0];
  }

  /** ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (domain 1, version 2). */
  model(name: string, opsets: Record<string, number>): Uint8Array {
    const graph = [...this.nodes, pb.string(2, name), ...this.initializers, ...this.inputs, ...this.outputs];
    return encodeMessage([
      pb.varint(1, 8),
      pb.string(2, 'pocket-reader'),
      pb.message(7, graph),
      ...Object.entries(opsets).map(([domain, version]) => pb.message(8, [pb.string(1, domain), pb.varint(2, version)])),
    ]);
  }
}
