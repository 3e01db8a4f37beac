"""Builds the tiny CoreML model for native/test/smoke.mjs (macOS only: needs coremltools + torch).

usage: python native/test/make_tiny_model.py OUT_DIR
writes OUT_DIR/tiny.mlpackage and OUT_DIR/expected.json

The model has a state-like input fed back between steps, two outputs, and float16 I/O on the state
(as Pocket TTS's Mimi decoder has), so the addon's float32->float16 input conversion, float16->float32
reads and handle feedback are all exercised:
    y         = x @ W + b              x: float32 [1,4]   y: float32 [1,3]
    new_state = state * 0.5 + y        state: float16 [1,3]   new_state: float16 [1,3]
"""
import json
import os
import sys

import coremltools as ct
import numpy as np
import torch

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)

rng = np.random.default_rng(7)
W = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
b = rng.uniform(-1, 1, (3,)).astype(np.float32)
x1 = rng.uniform(-1, 1, (1, 4)).astype(np.float32)
x2 = rng.uniform(-1, 1, (1, 4)).astype(np.float32)
state0 = rng.uniform(-1, 1, (1, 3)).astype(np.float32)


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("W", torch.from_numpy(W))
        self.register_buffer("b", torch.from_numpy(b))

    def forward(self, x, state):
        y = x @ self.W + self.b
        return y, state * 0.5 + y


traced = torch.jit.trace(Tiny().eval(), (torch.zeros(1, 4), torch.zeros(1, 3)))
mlmodel = ct.convert(
    traced,
    convert_to="mlprogram",
    minimum_deployment_target=ct.target.macOS13,  # float16 I/O needs macOS 13+
    compute_precision=ct.precision.FLOAT32,
    compute_units=ct.ComputeUnit.CPU_ONLY,
    inputs=[
        ct.TensorType(name="x", shape=(1, 4), dtype=np.float32),
        ct.TensorType(name="state", shape=(1, 3), dtype=np.float16),
    ],
    outputs=[
        ct.TensorType(name="y", dtype=np.float32),
        ct.TensorType(name="new_state", dtype=np.float16),
    ],
)
package = os.path.join(out_dir, "tiny.mlpackage")
mlmodel.save(package)


def reference(x, state):
    """numpy, with the float16 rounding the model's state I/O applies."""
    state16 = state.astype(np.float16).astype(np.float32)
    y = x @ W + b
    return y, (state16 * 0.5 + y).astype(np.float16).astype(np.float32)


y1, state1 = reference(x1, state0)
y2, state2 = reference(x2, state1)
loop = state0
for _ in range(200):
    _, loop = reference(x2, loop)

# CoreML itself (CPU, like the smoke test), step 2 fed with step 1's float16 output.
loaded = ct.models.MLModel(package, compute_units=ct.ComputeUnit.CPU_ONLY)
c1 = loaded.predict({"x": x1, "state": state0.astype(np.float16)})
c2 = loaded.predict({"x": x2, "state": c1["new_state"]})
for got, want, tol in [(c1["y"], y1, 1e-4), (c1["new_state"], state1, 1e-2), (c2["y"], y2, 1e-4), (c2["new_state"], state2, 1e-2)]:
    assert np.allclose(np.asarray(got, dtype=np.float32), want, atol=tol), (got, want)


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


expected = {
    "describe": {
        "inputs": [
            {"name": "state", "shape": [1, 3], "dataType": "float16"},
            {"name": "x", "shape": [1, 4], "dataType": "float32"},
        ],
        "outputs": [
            {"name": "new_state", "shape": [1, 3], "dataType": "float16"},
            {"name": "y", "shape": [1, 3], "dataType": "float32"},
        ],
    },
    "inputs": {"x1": flat(x1), "x2": flat(x2), "state0": flat(state0)},
    "numpy": {"y1": flat(y1), "state1": flat(state1), "y2": flat(y2), "state2": flat(state2), "loop200": flat(loop)},
    "coreml": {"y1": flat(c1["y"]), "state1": flat(c1["new_state"]), "y2": flat(c2["y"]), "state2": flat(c2["new_state"])},
}
with open(os.path.join(out_dir, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote", package, "and expected.json")
