"""INT8 model sets made the way the published `_int8` graphs were (shared/reference/performance-facts.md):
ONNX shape inference, then dynamic quantization of every MatMul/Gemm with a constant weight.

- weight: symmetric per-tensor int8, scale = max|W| / 127, zero point 0 (round half to even, clip ±127);
- activation: one `DynamicQuantizeLinear` (uint8) per tensor, shared by every layer that reads it;
- `MatMulInteger` → `Cast` to float → `Mul` by (activation scale × weight scale), then the Gemm bias.

A layer with a single output (the EOS read-out, a Gemm onnxruntime's quantizer leaves alone) stays fp32: its rounding
error would land whole on the one logit the stop decision reads.

Everything else (shapes inferred on the fp32 graph included) is kept, so the graphs look like the published ones
to the engine: the same names, the same state I/O, the same shape-inferred `value_info`.
"""
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

QUANTIZED = ("flow_lm_main", "flow_lm_flow")
# The rest of a set is shared by both precisions (CoreML stand-ins and references stay with the fp32 set).
NOT_SHARED = {"coreml", "reference", "model_info.json"} | {f"{g}.onnx" for g in QUANTIZED}


def _weight(node, inits):
    """(weight [in, out] as float32, bias name or None) when `node` is a linear layer with a constant weight."""
    if len(node.input) < 2 or node.input[1] not in inits:
        return None
    w = numpy_helper.to_array(inits[node.input[1]])
    if w.ndim != 2 or w.dtype != np.float32 or 1 in w.shape:
        return None
    if node.op_type == "MatMul":
        return w, None
    if node.op_type != "Gemm":
        return None
    a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
    if a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0 or a.get("transA", 0):
        return None
    bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
    return (w.T if a.get("transB", 0) else w), bias


def quantize_weight(w):
    absmax = float(np.abs(w).max())
    scale = np.float32(absmax * 2 / 254 if absmax > 0 else 1.0)
    q = np.clip(np.round(w.astype(np.float32) / scale), -127, 127).astype(np.int8)
    return q, scale


def quantize_graph(src, dst):
    """Writes the dynamic-INT8 version of the graph `src` to `dst`; returns how many layers were quantized."""
    model = shape_inference.infer_shapes(onnx.load(src))
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    nodes, added, shared, done = [], [], {}, 0
    for n in g.node:
        wb = _weight(n, inits)
        if wb is None:
            nodes.append(n)
            continue
        w, bias = wb
        x = n.input[0]
        if x not in shared:
            shared[x] = (f"{x}_quantized", f"{x}_scale", f"{x}_zero_point")
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(shared[x]), name=f"{x}_QuantizeLinear"))
        xq, xs, xz = shared[x]
        wname = n.input[1]
        q, scale = quantize_weight(w)
        added += [numpy_helper.from_array(q, f"{wname}_quantized"),
                  numpy_helper.from_array(np.array(scale, np.float32), f"{wname}_scale"),
                  numpy_helper.from_array(np.array(0, np.int8), f"{wname}_zero_point")]
        base = n.name or n.output[0]
        out = n.output[0]
        product = f"{out}_MatMul_output" if bias else out
        nodes += [
            helper.make_node("MatMulInteger", [xq, f"{wname}_quantized", xz, f"{wname}_zero_point"], [f"{out}_int32"],
                             name=f"{base}_quant"),
            helper.make_node("Cast", [f"{out}_int32"], [f"{out}_cast"], name=f"{base}_cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [xs, f"{wname}_scale"], [f"{out}_scales"], name=f"{base}_scales_mul"),
            helper.make_node("Mul", [f"{out}_cast", f"{out}_scales"], [product], name=f"{base}_output_scale_mul"),
        ]
        if bias:
            nodes.append(helper.make_node("Add", [product, bias], [out], name=f"{base}_bias_add"))
        done += 1
    used = {i for n in nodes for i in n.input}
    keep = [i for i in g.initializer if i.name in used] + added
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(keep)
    if not any(o.domain in ("", "ai.onnx") and o.version >= 11 for o in model.opset_import):
        raise ValueError(f"{src}: DynamicQuantizeLinear needs opset 11 or later")
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return done


def write_int8_set(fp32_dir, int8_dir):
    """The fp32 set in `fp32_dir` as an INT8 set in `int8_dir`: quantized backbone and flow head, everything else
    hard-linked (copied where links are not possible); bundle.json last, it marks the set complete."""
    os.makedirs(int8_dir, exist_ok=True)
    marker = os.path.join(int8_dir, "bundle.json")
    if os.path.exists(marker):
        os.remove(marker)
    counts = {}
    for g in QUANTIZED:
        counts[g] = quantize_graph(os.path.join(fp32_dir, f"{g}.onnx"), os.path.join(int8_dir, f"{g}_int8.onnx"))
    for root, dirs, files in os.walk(fp32_dir):
        rel = os.path.relpath(root, fp32_dir)
        dirs[:] = [d for d in dirs if not (rel == "." and d in NOT_SHARED)]
        os.makedirs(os.path.join(int8_dir, rel), exist_ok=True)
        for f in files:
            if rel == "." and (f in NOT_SHARED or f == "bundle.json"):
                continue
            _link(os.path.join(root, f), os.path.join(int8_dir, rel, f))
    _link(os.path.join(fp32_dir, "bundle.json"), marker)
    return counts


def _link(src, dst):
    if os.path.exists(dst):
        os.remove(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
