/**
 * Hand-encodes the ONNX protobuf of a single 1024×1024 fp32 MatMul: the yardstick the benchmark runs in
 * the same process, so figures from different runs and machines can be compared.
 */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const field = (no: number, wire: number) => varint((no << 3) | wire);
const bytes = (no: number, payload: number[]) => [...field(no, 2), ...varint(payload.length), ...payload];
const str = (no: number, s: string) => bytes(no, [...Buffer.from(s, 'utf8')]);
const int = (no: number, v: number) => [...field(no, 0), ...varint(v)];

function tensorValueInfo(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...int(1, 1), ...bytes(2, shape)]; // elem_type FLOAT, shape
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))]; // ValueInfoProto { name, type { tensor_type } }
}

export function matmulModel(n = 1024): Uint8Array {
  const node = [...str(1, 'A'), ...str(1, 'B'), ...str(2, 'C'), ...str(4, 'MatMul')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'yardstick'),
    ...bytes(11, tensorValueInfo('A', [n, n])),
    ...bytes(11, tensorValueInfo('B', [n, n])),
    ...bytes(12, tensorValueInfo('C', [n, n])),
  ];
  const opset = [...str(1, ''), ...int(2, 13)];
  return Uint8Array.from([...int(1, 8), ...bytes(7, graph), ...bytes(8, opset)]);
}
