"""Mimi encoder for voice cloning (spec §5.2, §7.4), in one non-streaming pass from a fresh state: SEANet encoder
(causal convs, zero left padding) -> encoder transformer (causal, 250-position window, RoPE from 0) -> downsample
(strided conv, replicate left padding). Parameter names match the official `mimi.encoder*` / `mimi.downsample` keys,
so the official tiny-parity weights load into it.

The input length must be a whole number of frames (the runtime pads with zeros, as Kyutai's encode_to_latent does).
"""
import torch
from torch import nn
import torch.nn.functional as F

from .mimi import LayerScale
from .rope import apply_rope, attention


class CConv1d(nn.Module):
    """Causal conv from a fresh streaming state: the k_eff - stride left context is zeros (or the first frame)."""

    def __init__(self, cin, cout, k, stride=1, dilation=1, bias=True, replicate=False):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, k, stride, dilation=dilation, bias=bias)
        self.pad = (k - 1) * dilation + 1 - stride
        self.mode = "replicate" if replicate else "constant"

    def forward(self, x):
        return self.conv(F.pad(x, (self.pad, 0), mode=self.mode) if self.pad else x)


class ResBlock(nn.Module):
    def __init__(self, dim, c, dilation):
        super().__init__()
        hidden = dim // c.compress
        self.block = nn.ModuleList([nn.ELU(), CConv1d(dim, hidden, c.residual_kernel_size, dilation=dilation),
                                    nn.ELU(), CConv1d(hidden, dim, 1)])

    def forward(self, x):
        v = x
        for m in self.block:
            v = m(v)
        return x + v


class SEANetEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        nf, mult = c.n_filters, 1
        m = [CConv1d(c.channels, nf, c.kernel_size)]
        for ratio in reversed(c.ratios):
            for j in range(c.n_residual_layers):
                m.append(ResBlock(mult * nf, c, c.dilation_base ** j))
            m += [nn.ELU(), CConv1d(mult * nf, 2 * mult * nf, 2 * ratio, stride=ratio)]
            mult *= 2
        m += [nn.ELU(), CConv1d(mult * nf, c.dimension, c.last_kernel_size)]
        self.model = nn.ModuleList(m)

    def forward(self, x):
        for m in self.model:
            x = m(x)
        return x


class WindowedAttention(nn.Module):
    def __init__(self, d, heads, context, max_period):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.context = context
        self.max_period = max_period
        self.in_proj = nn.Linear(d, 3 * d, bias=False)
        self.out_proj = nn.Linear(d, d, bias=False)

    def forward(self, x):
        B, T, _ = x.shape
        qkv = self.in_proj(x).reshape(B, T, 3, self.h, self.dh)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]
        pos = torch.arange(T, dtype=torch.int64)
        q, k = apply_rope(q, k, pos.float(), self.max_period)
        d = pos.unsqueeze(1) - pos.unsqueeze(0)
        mask = (d >= 0) & (d < self.context)
        o = attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), mask)
        return self.out_proj(o.transpose(1, 2).reshape(B, T, self.h * self.dh))


class EncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c.dimension
        self.self_attn = WindowedAttention(d, c.tr_heads, c.context, c.max_period)
        self.norm1 = nn.LayerNorm(d, eps=1e-5)
        self.norm2 = nn.LayerNorm(d, eps=1e-5)
        self.linear1 = nn.Linear(d, c.tr_ffn, bias=False)
        self.linear2 = nn.Linear(c.tr_ffn, d, bias=False)
        self.layer_scale_1 = LayerScale(d, c.layer_scale)
        self.layer_scale_2 = LayerScale(d, c.layer_scale)

    def forward(self, x):
        x = x + self.layer_scale_1(self.self_attn(self.norm1(x)))
        return x + self.layer_scale_2(self.linear2(F.gelu(self.linear1(self.norm2(x)))))


class _Layers(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList([EncoderLayer(c) for _ in range(c.tr_layers)])


class _Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transformer = _Layers(c)


class _Downsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        s = c.upsample_stride
        self.conv = CConv1d(c.dimension, c.inner_dim, 2 * s, stride=s, bias=False, replicate=True)


class MimiEncoder(nn.Module):
    """audio [1, 1, F * frame_size] -> raw Mimi latents [1, inner_dim, F] (not normalized)."""

    def __init__(self, c):
        super().__init__()
        self.encoder = SEANetEncoder(c)
        self.encoder_transformer = _Transformer(c)
        self.downsample = _Downsample(c)

    def forward(self, audio):
        x = self.encoder(audio).transpose(1, 2)
        for layer in self.encoder_transformer.transformer.layers:
            x = layer(x)
        return self.downsample.conv(x.transpose(1, 2))


def speaker_conditioning(flow_lm, encoder, audio):
    """The voice prompt's conditioning rows [1, F, D]: latents through speaker_proj (no bias)."""
    return F.linear(encoder(audio).transpose(1, 2), flow_lm.speaker_proj_weight)
