"""ONNX export in the community export's graph contract (shared/reference/onnx-contract.md,
mirrored from shared/models/tiny-parity/*.onnx + bundle.json). The graphs are traced from the
very modules the reference loop runs, so their math is the PyTorch reference's."""
import torch
from torch import nn
import torch.nn.functional as F

from .mimi_encoder import speaker_conditioning

FLOW_OPSET = 14  # text_conditioner / flow_lm_main / flow_lm_flow, as in the community export
MIMI_OPSET = 17


# ---------------------------------------------------------------- manifests

def _entry(i, module, key, dtype, shape, fill):
    return {"dtype": dtype, "fill": fill, "index": i, "input_name": f"state_{i}", "key": key,
            "module": module, "output_name": f"out_state_{i}", "path": f"{module}/{key}", "shape": list(shape)}


def flow_manifest(cfg):
    c = cfg.flow_lm
    out = []
    for l in range(c.num_layers):
        m = f"transformer.layers.{l}.self_attn"
        # Sorted keys per module: cache, current_end (legacy, unused, empty), step.
        for key, dt, shape, fill in (("cache", "float32", [2, 1, cfg.flow_cache_len, c.num_heads, c.d_model // c.num_heads], "nan"),
                                     ("current_end", "float32", [0], "empty"),
                                     ("step", "int64", [1], "zeros")):
            out.append(_entry(len(out), m, key, dt, shape, fill))
    return out


def _encoder_state_spec(cfg):
    """Voice-cloning side of Mimi (SEANet encoder, encoder transformer, downsample). Not computed
    here: the decoder graph carries these states through unchanged, like the community export."""
    c = cfg.mimi
    spec = {}

    def conv(name, cin, k, stride=1, dilation=1):
        spec[f"{name}/first"] = ("bool", [1])
        spec[f"{name}/previous"] = ("float32", [1, cin, (k - 1) * dilation + 1 - stride])

    nf, mult = c.n_filters, 1
    conv("encoder.model.0", c.channels, c.kernel_size)
    i = 1
    for ratio in reversed(c.ratios):
        for j in range(c.n_residual_layers):
            conv(f"encoder.model.{i}.block.1", mult * nf, c.residual_kernel_size, dilation=c.dilation_base ** j)
            conv(f"encoder.model.{i}.block.3", mult * nf // c.compress, 1)
            i += 1
        conv(f"encoder.model.{i + 1}", mult * nf, 2 * ratio, stride=ratio)
        i += 2
        mult *= 2
    conv(f"encoder.model.{i + 1}", mult * nf, c.last_kernel_size)
    s = c.upsample_stride
    conv("downsample.conv", c.dimension, 2 * s, stride=s)
    for l in range(c.tr_layers):
        m = f"encoder_transformer.transformer.layers.{l}.self_attn"
        spec[f"{m}/cache"] = ("float32", [2, 1, c.tr_heads, cfg.mimi_cache_len, c.dimension // c.tr_heads])
        spec[f"{m}/end_offset"] = ("int64", [1])
        spec[f"{m}/offset"] = ("int64", [1])
    return spec


def mimi_manifest(cfg, mimi):
    spec = dict(mimi.decoder_state_spec(cfg.mimi_cache_len))
    spec.update(_encoder_state_spec(cfg))
    keys = sorted(spec, key=lambda p: tuple(p.split("/")))
    out = []
    for p in keys:
        dt, shape = spec[p]
        module, key = p.split("/")
        n = 1
        for d in shape:
            n *= d
        fill = "ones" if key == "first" else ("empty" if n == 0 else "zeros")
        out.append(_entry(len(out), module, key, dt, shape, fill))
    return out


def fill_tensor(e):
    shape = e["shape"]
    if e["dtype"] == "bool":
        return torch.full(shape, e["fill"] == "ones", dtype=torch.bool)
    if e["dtype"] == "int64":
        return torch.zeros(shape, dtype=torch.int64)
    return torch.full(shape, float("nan") if e["fill"] == "nan" else 0.0)


# ---------------------------------------------------------------- wrappers

class TextConditioner(nn.Module):
    def __init__(self, flow_lm):
        super().__init__()
        self.weight = flow_lm.conditioner.embed.weight

    def forward(self, token_ids):
        return F.embedding(token_ids, self.weight)


class FlowLMMain(nn.Module):
    def __init__(self, flow_lm):
        super().__init__()
        self.flow_lm = flow_lm

    def forward(self, sequence, text_embeddings, *flat):
        states = [(flat[3 * i], flat[3 * i + 2]) for i in range(len(flat) // 3)]
        h, eos, new = self.flow_lm(sequence, text_embeddings, states)
        out = [h, eos]
        for i, (cache, step) in enumerate(new):
            out += [cache, flat[3 * i + 1], step]
        return tuple(out)


class FlowLMFlow(nn.Module):
    def __init__(self, flow_lm):
        super().__init__()
        self.flow_net = flow_lm.flow_net

    def forward(self, c, s, t, x):
        return self.flow_net(c, s, t, x)


class MimiDecoderGraph(nn.Module):
    def __init__(self, flow_lm, mimi, manifest):
        super().__init__()
        self.mimi = mimi
        self.paths = [e["path"] for e in manifest]
        # Normalization stats live in flow_lm but the decoder graph un-normalizes in-graph.
        self.register_buffer("emb_mean", flow_lm.emb_mean.detach().clone())
        self.register_buffer("emb_std", flow_lm.emb_std.detach().clone())

    def forward(self, latent, *flat):
        st = dict(zip(self.paths, flat))
        audio, new = self.mimi(latent, self.emb_mean, self.emb_std, st)
        return (audio,) + tuple(new.get(p, st[p]) for p in self.paths)


class VoiceEncoderGraph(nn.Module):
    """mimi_encoder.onnx: audio [1, 1, N] (N whole frames) -> speaker conditioning [1, N / frame_size, D]."""

    def __init__(self, flow_lm, encoder):
        super().__init__()
        self.flow_lm = flow_lm
        self.encoder = encoder

    def forward(self, audio):
        return speaker_conditioning(self.flow_lm, self.encoder, audio)


# ---------------------------------------------------------------- export

def _export(module, args, path, input_names, output_names, dynamic_axes, opset):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=opset, do_constant_folding=True)
    _hoist_initializer_identities(path)


def _hoist_initializer_identities(path):
    """torch 1.13 deduplicates equal initializers (e.g. the two time embedders' identical `freqs`)
    into Identity nodes that it may emit after their consumers; onnxruntime rejects that order."""
    import onnx
    m = onnx.load(path)
    inits = {i.name for i in m.graph.initializer}
    nodes = list(m.graph.node)
    first = [n for n in nodes if n.op_type == "Identity" and n.input[0] in inits]
    if not first:
        return
    rest = [n for n in nodes if not (n.op_type == "Identity" and n.input[0] in inits)]
    del m.graph.node[:]
    m.graph.node.extend(first + rest)
    onnx.save(m, path)


@torch.no_grad()
def export_all(cfg, flow_lm, mimi, out_dir):
    import os
    c = cfg.flow_lm
    D = c.d_model
    _export(TextConditioner(flow_lm).eval(), (torch.zeros(1, 3, dtype=torch.int64),),
            os.path.join(out_dir, "text_conditioner.onnx"), ["token_ids"], ["embeddings"],
            {"token_ids": {1: "seq_len"}, "embeddings": {1: "seq_len"}}, FLOW_OPSET)

    fm = flow_manifest(cfg)
    flat = [fill_tensor(e) for e in fm]
    for e, t in zip(fm, flat):  # trace with a non-trivial step so nothing folds to 0
        if e["key"] == "step":
            t.fill_(2)
        if e["key"] == "cache":
            t[:, :, :2] = 0.0
    names_in = ["sequence", "text_embeddings"] + [e["input_name"] for e in fm]
    names_out = ["conditioning", "eos_logit"] + [e["output_name"] for e in fm]
    _export(FlowLMMain(flow_lm).eval(), (torch.zeros(1, 1, c.ldim), torch.zeros(1, 2, D), *flat),
            os.path.join(out_dir, "flow_lm_main.onnx"), names_in, names_out,
            {"sequence": {1: "seq_len"}, "text_embeddings": {1: "text_len"}}, FLOW_OPSET)

    _export(FlowLMFlow(flow_lm).eval(), (torch.zeros(1, D), torch.zeros(1, 1), torch.ones(1, 1), torch.zeros(1, c.ldim)),
            os.path.join(out_dir, "flow_lm_flow.onnx"), ["c", "s", "t", "x"], ["flow_dir"],
            {k: {0: "batch"} for k in ("c", "s", "t", "x", "flow_dir")}, FLOW_OPSET)

    mm = mimi_manifest(cfg, mimi)
    mflat = [fill_tensor(e) for e in mm]
    _export(MimiDecoderGraph(flow_lm, mimi, mm).eval(), (torch.zeros(1, 2, c.ldim), *mflat),
            os.path.join(out_dir, "mimi_decoder.onnx"), ["latent"] + [e["input_name"] for e in mm],
            ["audio_frame"] + [e["output_name"] for e in mm],
            {"latent": {1: "seq_len"}, "audio_frame": {2: "audio_len"}}, MIMI_OPSET)
    return fm, mm


@torch.no_grad()
def export_encoder(cfg, flow_lm, encoder, out_dir):
    """The voice encoder with a dynamic audio length (traced at 3 frames, run at any number)."""
    import os
    _export(VoiceEncoderGraph(flow_lm, encoder).eval(), (torch.zeros(1, 1, 3 * cfg.mimi.frame_size),),
            os.path.join(out_dir, "mimi_encoder.onnx"), ["audio"], ["latents"],
            {"audio": {2: "audio_len"}, "latents": {1: "frames"}}, MIMI_OPSET)
