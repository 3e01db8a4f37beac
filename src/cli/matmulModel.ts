/**
 * A single 1024×1024 fp32 MatMul: the yardstick the benchmark runs in the same process, so figures from different
 * runs and machines can be compared.
 */
import { DataType } from '../engine/backends/onnxModelRead';
import { GraphBuilder } from '../engine/backends/onnxModelWrite';

export function matmulModel(n = 1024): Uint8Array {
  const b = new GraphBuilder();
  b.node('MatMul', [b.input('A', DataType.FLOAT, [n, n]), b.input('B', DataType.FLOAT, [n, n])], ['C']);
  b.output('C', DataType.FLOAT, [n, n]);
  return b.model('yardstick', { '': 13 });
}
