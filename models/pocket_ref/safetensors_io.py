"""Minimal safetensors reader/writer (the python `safetensors` package is not installed here)."""
import json
import struct

import numpy as np

_DT = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "BOOL": np.bool_, "U8": np.uint8}
_DT_REV = {np.dtype(v).str: k for k, v in _DT.items()}


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        if v["dtype"] == "BF16":
            a, b = v["data_offsets"]
            u16 = np.frombuffer(raw[base + a:base + b], dtype="<u2").astype(np.uint32) << 16
            out[k] = u16.view(np.float32).reshape(v["shape"]).copy()
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(raw[base + a:base + b], dtype=_DT[v["dtype"]]).reshape(v["shape"]).copy()
    return out


def save(path, tensors, metadata=None):
    # Keys sorted and data 8-byte aligned, like safetensors.torch.save_file, so readers that
    # mmap-and-view (e.g. the TypeScript loader) see aligned buffers.
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for k in sorted(tensors):
        a = np.ascontiguousarray(tensors[k])
        dt = _DT_REV[a.dtype.newbyteorder("<").str if a.dtype.byteorder == ">" else a.dtype.str]
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[k] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
