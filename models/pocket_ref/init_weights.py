"""Random but well-behaved weights: default PyTorch init plus the tiny-parity fixture's tweaks,
then two fits that only touch read-out layers (so the fitted trajectory stays valid):
out_eos (first EOS around AR step 8-15 at temperature 0) and the last SEANet conv (PCM std)."""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .flow_head import lsd_decode
from .generation import max_gen_len, prefill_voice, _expand


def _bf16(t):
    # The released weights are BF16 values widened to fp32; keep that property.
    return t.to(torch.bfloat16).to(torch.float32)


@torch.no_grad()
def randomize(flow_lm, mimi, seed):
    g = torch.Generator().manual_seed(seed)
    rn = lambda *s: torch.randn(*s, generator=g)
    ru = lambda *s: torch.rand(*s, generator=g)
    for mod in (flow_lm, mimi):
        _default_init(mod, rn, ru)
    c = flow_lm.cfg
    flow_lm.conditioner.embed.weight.copy_(rn(c.n_bins + 1, c.d_model))
    flow_lm.bos_emb.copy_(rn(c.ldim))
    flow_lm.bos_before_voice.copy_(rn(1, 1, c.d_model))
    flow_lm.speaker_proj_weight.copy_(rn(c.d_model, c.ldim) / c.ldim ** 0.5)
    flow_lm.emb_std.copy_(0.5 + ru(c.ldim))
    flow_lm.emb_mean.copy_(0.1 * rn(c.ldim))
    for te in flow_lm.flow_net.time_embed:
        te.mlp[3].alpha.copy_(1 + 0.1 * rn(te.mlp[3].alpha.shape[0]))
    flow_lm.input_linear.weight.mul_(2)
    for layer in flow_lm.transformer.layers:
        layer.self_attn.in_proj.weight.mul_(2)
        layer.linear1.weight.mul_(2)
    for layer in mimi.decoder_transformer.transformer.layers:
        layer.layer_scale_1.scale.copy_(0.1 + 0.02 * rn(mimi.cfg.dimension))
        layer.layer_scale_2.scale.copy_(0.1 + 0.02 * rn(mimi.cfg.dimension))
    for m in mimi.decoder.modules():
        if isinstance(m, (nn.Conv1d, nn.ConvTranspose1d)) and m.bias is not None:
            m.bias.mul_(0.05)
    mimi.quantizer.output_proj.weight.mul_(4)
    mimi.upsample.convtr.convtr.weight.mul_(2)
    for mod in (flow_lm, mimi):
        for t in list(mod.parameters()) + list(mod.buffers()):
            t.copy_(_bf16(t))


def _default_init(mod, rn, ru):
    """Default init under our own generator (deterministic per seed)."""
    for m in mod.modules():
        if isinstance(m, (nn.Linear, nn.Conv1d, nn.ConvTranspose1d)):
            fan_in = m.weight[0].numel() if not isinstance(m, nn.ConvTranspose1d) else m.weight.shape[0] // m.groups * m.weight.shape[2]
            bound = 1.0 / max(fan_in, 1) ** 0.5
            m.weight.copy_((ru(*m.weight.shape) * 2 - 1) * bound)
            if m.bias is not None:
                m.bias.copy_((ru(*m.bias.shape) * 2 - 1) * bound)
        elif isinstance(m, nn.LayerNorm) or (hasattr(m, "weight") and type(m).__name__ == "HeadLayerNorm"):
            if getattr(m, "weight", None) is not None:
                m.weight.copy_(1 + 0.1 * rn(*m.weight.shape))
                m.bias.copy_(0.1 * rn(*m.bias.shape))


@torch.no_grad()
def randomize_encoder(encoder, seed):
    """The voice encoder, from a generator of its own: the rest of the model and its references stay as they were."""
    g = torch.Generator().manual_seed(seed)
    rn = lambda *s: torch.randn(*s, generator=g)
    _default_init(encoder, rn, lambda *s: torch.rand(*s, generator=g))
    for layer in encoder.encoder_transformer.transformer.layers:
        for ls in (layer.layer_scale_1, layer.layer_scale_2):
            ls.scale.copy_(0.1 + 0.02 * rn(ls.scale.shape[0]))
    for t in list(encoder.parameters()) + list(encoder.buffers()):
        t.copy_(_bf16(t))


@torch.no_grad()
def _trajectories(flow_lm, voice, token_lists, n_steps, lsd_steps=1):
    """Per text: conditioning h for AR steps 0..n_steps-1 (temperature 0, EOS ignored) + latents."""
    hs, lats = [], []
    ldim = flow_lm.cfg.ldim
    for toks in token_lists:
        st = _expand(voice, len(toks) + n_steps)
        _, _, st = flow_lm(torch.zeros(1, 0, ldim), flow_lm.embed_tokens(torch.tensor([toks])), st)
        x = torch.full((1, 1, ldim), float("nan"))
        no_text = torch.zeros(1, 0, flow_lm.cfg.d_model)
        H, L = [], []
        for _ in range(n_steps):
            h, _, st = flow_lm(x, no_text, st)
            lat = lsd_decode(flow_lm.flow_net, h, torch.zeros(1, ldim), lsd_steps)
            H.append(h[0])
            L.append(lat[0])
            x = lat.view(1, 1, ldim)
        hs.append(torch.stack(H))
        lats.append(torch.stack(L))
    return hs, lats


@torch.no_grad()
def fit_eos(flow_lm, voice, token_lists, target=11, n_steps=24, threshold=-4.0, lsd_steps=(1, 4)):
    """Least-squares read-out so logit(step) ~ threshold + 0.6 (step - target + 0.5):
    a ramp, so the crossing is robust to the fit's residual noise. Fitted on the trajectories of
    every LSD step count we publish references for (they differ: latents feed back)."""
    hs, lats = [], None
    for n in lsd_steps:
        h, l = _trajectories(flow_lm, voice, token_lists, n_steps, n)
        hs += h
        lats = lats or l
    X = torch.cat(hs).double()
    steps = torch.arange(n_steps, dtype=torch.float64).repeat(len(hs))
    y = threshold + 0.6 * (steps - target + 0.5)
    Xa = torch.cat([X, torch.ones(len(X), 1, dtype=torch.float64)], 1)
    lam = 1e-2 * torch.eye(Xa.shape[1], dtype=torch.float64)
    lam[-1, -1] = 0
    wt = torch.ones(len(X), dtype=torch.float64)
    for _ in range(8):
        # Reweight samples on the wrong side of the threshold: an early false EOS truncates
        # the utterance, a late one only costs frames; both matter more than ramp fidelity.
        Xw = Xa * wt[:, None]
        wb = torch.linalg.solve(Xw.T @ Xa + lam, Xw.T @ y)
        pred = Xa @ wb
        wrong = ((steps < target - 2) & (pred > threshold - 1.0)) | ((steps > target + 3) & (pred < threshold + 0.5))
        wt = torch.where(wrong, wt * 2.0, wt)
    flow_lm.out_eos.weight.copy_(_bf16(wb[:-1].float().view(1, -1)))
    flow_lm.out_eos.bias.copy_(_bf16(wb[-1:].float()))
    firsts = []
    for H in hs:
        logit = flow_lm.out_eos(H).view(-1)
        above = (logit > threshold).nonzero()
        firsts.append(int(above[0]) if len(above) else None)
    return firsts, lats


@torch.no_grad()
def fit_pcm_std(flow_lm, mimi, lat_lists, target_std=0.2):
    """Output is affine in the last conv, so scaling its weight and bias scales the PCM exactly."""
    def run():
        pcm = []
        for lats in lat_lists:
            st = mimi.init_state(len(lats) * mimi.cfg.upsample_stride)
            for f in range(len(lats)):
                a, st = mimi(lats[f].view(1, 1, -1), flow_lm.emb_mean, flow_lm.emb_std, st)
                pcm.append(a.view(-1))
        return torch.cat(pcm)
    std0 = float(run().std())
    last = mimi.decoder.model[-1].conv
    gain = target_std / max(std0, 1e-8)
    last.weight.copy_(_bf16(last.weight * gain))
    last.bias.copy_(_bf16(last.bias * gain))
    return std0, float(run().std())
