#!/usr/bin/python3
"""An INT8 copy of an exported graph, quantized the way the community export's `_int8` graphs are (onnxruntime's
dynamic quantization: int8 weights with one symmetric scale per matrix, activations quantized to uint8 per call by
DynamicQuantizeLinear, MatMulInteger). Every MatMul with a constant weight is replaced; all other nodes, and their
names (the attention Softmax included), stay as they are. For tests that must hold on INT8 graphs too.

  /usr/bin/python3 models/quantize_int8.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize(model: onnx.ModelProto) -> int:
    g = model.graph
    weights = {i.name: i for i in g.initializer}
    nodes, added, count = [], [], 0
    for n in g.node:
        w = weights.get(n.input[1]) if n.op_type == "MatMul" else None
        if w is None or w.data_type != TensorProto.FLOAT or len(w.dims) != 2:
            nodes.append(n)
            continue
        count += 1
        p = n.name or f"matmul{count}"
        wf = numpy_helper.to_array(w).astype(np.float32)
        scale = np.float32(max(float(np.abs(wf).max()), 1e-8) / 127.0)
        wq = np.clip(np.rint(wf / scale), -127, 127).astype(np.int8)
        added += [numpy_helper.from_array(wq, f"{p}/w_q"), numpy_helper.from_array(np.array(scale, np.float32), f"{p}/w_scale"),
                  numpy_helper.from_array(np.array(0, np.int8), f"{p}/w_zp")]
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [n.input[0]], [f"{p}/a_q", f"{p}/a_scale", f"{p}/a_zp"], name=f"{p}/quant"),
            helper.make_node("MatMulInteger", [f"{p}/a_q", f"{p}/w_q", f"{p}/a_zp", f"{p}/w_zp"], [f"{p}/i32"], name=f"{p}/int"),
            helper.make_node("Cast", [f"{p}/i32"], [f"{p}/f32"], to=TensorProto.FLOAT, name=f"{p}/cast"),
            helper.make_node("Mul", [f"{p}/a_scale", f"{p}/w_scale"], [f"{p}/scale"], name=f"{p}/scale"),
            helper.make_node("Mul", [f"{p}/f32", f"{p}/scale"], [n.output[0]], name=f"{p}/dequant"),
        ]
    used = {i for n in nodes for i in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(kept + added)
    return count


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = onnx.load(sys.argv[1])
    n = quantize(model)
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[2])
    print(f"{n} MatMuls quantized to INT8 -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
