"""The same weights in the FluidInference/pocket-tts-coreml *v2 per-step contract*, as ONNX
(shared/reference/coreml-contract.md). CoreML cannot run on Linux, so these graphs stand in for the
four .mlmodelc packages: identical input names/shapes, float32 positions, zero-filled KV caches,
auto-generated-looking output names that the host must discover by shape, a float16 Mimi audio
output and a zero-length Mimi state. `test/helpers/fakeCoreMLAddon.ts` serves them through the
addon's JS API.

Layout of DIR/coreml/:
  cond_step.onnx      conditioning [1,1,D] + cache{i} [2,1,CAP,H,Dh] + position{i} [1] -> caches, positions
  flowlm_step.onnx    sequence [1,1,32] (NaN = BOS) + bos_emb [32] + caches/positions
                      -> transformer_out [1,1,D], eos logit [1,1,1], caches, positions
  flow_decoder.onnx   transformer_out [1,D], latent [1,32], s [1,1], t [1,1] -> velocity [1,32]
  mimi_decoder.onnx   latent [1,32] + FluidAudio-named streaming state -> audio [1,1,1920] fp16 + states
  constants_bin/      tokenizer.model, text_embed_table.bin, bos_emb.bin, bos_before_voice.bin,
                      alba.safetensors (Kyutai KV snapshot), alba_audio_prompt.bin (legacy flat
                      [1,T_v,D] conditioning), mimi_init_state/<name>.bin
No manifest.json: the real pack has none, the host discovers everything from the models.

Capacities: FlowLM KV CAP = 512 like the real pack. Mimi attention ring = 272 (not the real pack's
256): our reference Mimi attends a 250-frame window over 16-frame blocks, which a ring reproduces
exactly only from 265 slots on (spec §7.3), and the tests demand reference parity.
"""
import os
import shutil

import numpy as np
import onnx
import torch
from torch import nn

from . import export

FLOW_CAP = 512
MIMI_CAP = 272
OPSET = 17


def cache_output_names(n_layers):
    # coremltools' closed form: new_cache_{2i+1}_internal_tensor_assign_2, the last layer unnumbered.
    return [f"new_cache_{2 * i + 1}_internal_tensor_assign_2" for i in range(n_layers - 1)] + \
           ["new_cache_internal_tensor_assign_2"]


def var_names(start, n, stride):
    # Irregular but increasing var_NNN numbers; chosen so that name order != numeric order
    # (var_95 < var_187 numerically, not lexically): a host sorting strings would pair wrongly.
    out, v = [], start
    for i in range(n):
        out.append(f"var_{v}")
        v += stride + 7 * (i % 3)
    return out


def _layer_io(n):
    ins = []
    for i in range(n):
        ins += [f"cache{i}", f"position{i}"]
    return ins


class CondStep(nn.Module):
    """One conditioning token through every layer (never padded: one position per call)."""

    def __init__(self, flow_lm):
        super().__init__()
        self.layers = flow_lm.transformer.layers

    def forward(self, conditioning, *flat):
        x, caches, positions = conditioning, [], []
        for i, layer in enumerate(self.layers):
            cache, pos = flat[2 * i], flat[2 * i + 1]
            x, cache = layer(x, cache, pos.to(torch.int64))
            caches.append(cache)
            positions.append(pos + 1.0)
        return tuple(caches + positions)


class FlowLMStep(nn.Module):
    def __init__(self, flow_lm):
        super().__init__()
        self.f = flow_lm

    def forward(self, sequence, bos_emb, *flat):
        seq = torch.where(torch.isnan(sequence), bos_emb, sequence)  # NaN-BOS protocol
        x = self.f.input_linear(seq)
        caches, positions = [], []
        for i, layer in enumerate(self.f.transformer.layers):
            cache, pos = flat[2 * i], flat[2 * i + 1]
            x, cache = layer(x, cache, pos.to(torch.int64))
            caches.append(cache)
            positions.append(pos + 1.0)
        h = self.f.out_norm(x)[:, -1:]
        return tuple([h, self.f.out_eos(h)] + caches + positions)


class FlowDecoder(nn.Module):
    def __init__(self, flow_lm):
        super().__init__()
        self.flow_net = flow_lm.flow_net

    def forward(self, transformer_out, latent, s, t):
        return self.flow_net(transformer_out, s, t, latent)


def mimi_state_names(cfg, mimi):
    """FluidAudio canonical names -> (our state path, kind), in canonical order. The decoder's
    `first` flags are omitted (constant padding never reads them); end_offset == offset always,
    so, like the v2 packs, only `attn{i}_offset` exists."""
    c = cfg.mimi
    out = [("upsample_partial", "upsample.convtr/partial", "f")]
    for l in range(c.tr_layers):
        m = f"decoder_transformer.transformer.layers.{l}.self_attn"
        out += [(f"attn{l}_cache", f"{m}/cache", "cache"), (f"attn{l}_offset", f"{m}/offset", "offset")]
    out.append(("conv0_prev", "decoder.model.0/previous", "f"))
    idx = 2
    for r in range(len(c.ratios)):
        out.append((f"convtr{r}_partial", f"decoder.model.{idx}/partial", "f"))
        out.append((f"res{r}_conv0_prev", f"decoder.model.{idx + 1}.block.1/previous", "f"))
        out.append((f"res{r}_conv1_prev", f"decoder.model.{idx + 1}.block.3/previous", "f"))
        idx += 3
    out.append(("conv_final_prev", f"decoder.model.{idx}/previous", "f"))
    return out


class MimiStep(nn.Module):
    def __init__(self, flow_lm, mimi, names, spec):
        super().__init__()
        self.mimi = mimi
        self.names = names
        self.spec = spec  # our full state spec (incl. `first` flags, end_offset)
        self.register_buffer("emb_mean", flow_lm.emb_mean.detach().clone())
        self.register_buffer("emb_std", flow_lm.emb_std.detach().clone())

    def forward(self, latent, *flat):
        st = {p: torch.ones(shape, dtype=torch.bool) for p, (dt, shape) in self.spec.items() if dt == "bool"}
        for (name, p, kind), t in zip(self.names, flat):
            if kind == "offset":
                st[p] = t.to(torch.int64)
                st[p.replace("/offset", "/end_offset")] = t.to(torch.int64)
            elif kind == "cache":
                st[p] = t.transpose(2, 3)  # contract layout [2,1,cap,H,Dh] (seq-first) -> ours [2,1,H,cap,Dh]
            else:
                st[p] = t
        audio, new = self.mimi(latent.view(1, 1, -1), self.emb_mean, self.emb_std, st)
        outs = [audio.to(torch.float16)]  # the real pack's audio output is float16
        for name, p, kind in self.names:
            v = new[p]
            outs.append(v.to(torch.float32) if kind == "offset" else v.transpose(2, 3) if kind == "cache" else v)
        return tuple(outs)


def _export(module, args, path, ins, outs):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, args, path, input_names=ins, output_names=outs, opset_version=OPSET,
                          do_constant_folding=True)
    export._hoist_initializer_identities(path)


def _pass_through(path, names):
    """Zero-length states are passed through by the real model under their *input* name; torch
    emits Identity nodes for them, so point the graph output at the graph input instead."""
    m = onnx.load(path)
    g = m.graph
    for name in names:
        out = next(o for o in g.output if o.name == f"{name}__out")
        node = next((n for n in g.node if n.output[0] == out.name), None)
        if node is not None:
            assert node.op_type == "Identity" and node.input[0] == name, (name, node.op_type)
            g.node.remove(node)
        out.name = name
    onnx.save(m, path)


def _f32(path, arr):
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


@torch.no_grad()
def export_coreml(cfg, flow_lm, mimi, out_dir, tokenizer_path, voice_path, voice_conditioning):
    c = cfg.flow_lm
    D, H, L = c.d_model, c.num_heads, c.num_layers
    d = os.path.join(out_dir, "coreml")
    shutil.rmtree(d, ignore_errors=True)
    cb = os.path.join(d, "constants_bin")
    os.makedirs(os.path.join(cb, "mimi_init_state"))
    flow_lm.eval()
    mimi.eval()

    def kv_args(pos=3.0):
        args = []
        for _ in range(L):
            cache = torch.zeros(2, 1, FLOW_CAP, H, D // H)
            cache[:, :, :3] = 0.1  # trace with a non-trivial position so nothing folds
            args += [cache, torch.tensor([pos])]
        return args

    cache_names = cache_output_names(L)
    _export(CondStep(flow_lm), (torch.zeros(1, 1, D), *kv_args()), os.path.join(d, "cond_step.onnx"),
            ["conditioning"] + _layer_io(L), cache_names + var_names(95, L, 92))
    _export(FlowLMStep(flow_lm), (torch.zeros(1, 1, c.ldim), flow_lm.bos_emb.detach(), *kv_args()),
            os.path.join(d, "flowlm_step.onnx"), ["sequence", "bos_emb"] + _layer_io(L),
            ["var_472", "var_481"] + cache_names + var_names(88, L, 97))
    _export(FlowDecoder(flow_lm), (torch.zeros(1, D), torch.zeros(1, c.ldim), torch.zeros(1, 1), torch.ones(1, 1)),
            os.path.join(d, "flow_decoder.onnx"), ["transformer_out", "latent", "s", "t"], ["var_318"])

    spec = mimi.decoder_state_spec(MIMI_CAP)
    names = mimi_state_names(cfg, mimi)
    state_args, zero_len, out_names = [], [], []
    state_vars = iter(var_names(61, len(names), 73))
    for name, p, kind in names:
        dt, shape = spec[p]
        if kind == "offset":
            t = torch.zeros(1)
        elif kind == "cache":
            t = torch.zeros(shape[0], shape[1], shape[3], shape[2], shape[4])
        else:
            t = torch.zeros(shape)
        state_args.append(t)
        v = next(state_vars)
        if t.numel() == 0:
            zero_len.append(name)
            out_names.append(f"{name}__out")
        else:
            out_names.append(v)
            _f32(os.path.join(cb, "mimi_init_state", f"{name}.bin"), t.numpy())
    _export(MimiStep(flow_lm, mimi, names, spec), (torch.zeros(1, c.ldim), *state_args),
            os.path.join(d, "mimi_decoder.onnx"), ["latent"] + [n for n, _, _ in names], ["var_903"] + out_names)
    _pass_through(os.path.join(d, "mimi_decoder.onnx"), zero_len)

    shutil.copyfile(tokenizer_path, os.path.join(cb, "tokenizer.model"))
    shutil.copyfile(voice_path, os.path.join(cb, "alba.safetensors"))
    _f32(os.path.join(cb, "text_embed_table.bin"), flow_lm.conditioner.embed.weight.numpy())
    _f32(os.path.join(cb, "bos_emb.bin"), flow_lm.bos_emb.numpy())
    _f32(os.path.join(cb, "bos_before_voice.bin"), flow_lm.bos_before_voice.numpy().reshape(-1))
    # The legacy English format of the same voice: its conditioning rows [1, T_v, D] (bos_before_voice
    # first), which a host feeds through cond_step one row at a time. The KV snapshot is what v2 packs
    # ship; this one lets tests prefill the voice through cond_step (and get the order wrong on purpose).
    _f32(os.path.join(cb, "alba_audio_prompt.bin"), voice_conditioning.numpy())
    return d
