"""LSD flow head SimpleMLPAdaLN, spec §6.3-6.4. Parameter names match the official state_dict."""
import math

import torch
from torch import nn
import torch.nn.functional as F


class TimeRMSNorm(nn.Module):
    """RMSNorm' of the time embedder: x * alpha / sqrt(var_unbiased(x) + eps). Not a real RMSNorm."""

    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.alpha = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        var = self.eps + x.var(dim=-1, keepdim=True, unbiased=True)
        return x * (self.alpha * torch.rsqrt(var))


class HeadLayerNorm(nn.Module):
    """Flow-head LayerNorm: eps 1e-6, biased variance, optional affine."""

    def __init__(self, dim, eps=1e-6, affine=True):
        super().__init__()
        self.eps = eps
        if affine:
            self.weight = nn.Parameter(torch.ones(dim))
            self.bias = nn.Parameter(torch.zeros(dim))
        else:
            self.weight = None

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, unbiased=False, keepdim=True)
        x = (x - mean) / torch.sqrt(var + self.eps)
        if self.weight is not None:
            x = x * self.weight + self.bias
        return x


class TimestepEmbedder(nn.Module):
    def __init__(self, dim, freq_dim=256, max_period=10000):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(freq_dim, dim), nn.SiLU(), nn.Linear(dim, dim), TimeRMSNorm(dim))
        half = freq_dim // 2
        # A buffer, not recomputed: the checkpoint stores it (BF16-rounded in the real weights).
        self.register_buffer("freqs", torch.exp(-math.log(max_period) * torch.arange(half) / half))

    def forward(self, t):
        a = t * self.freqs
        return self.mlp(torch.cat([torch.cos(a), torch.sin(a)], dim=-1))


class ResBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.in_ln = HeadLayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 3 * dim))

    def forward(self, x, y):
        shift, scale, gate = self.adaLN_modulation(y).chunk(3, dim=-1)
        h = self.mlp(self.in_ln(x) * (1 + scale) + shift)
        return x + gate * h


class FinalLayer(nn.Module):
    def __init__(self, dim, out):
        super().__init__()
        self.norm_final = HeadLayerNorm(dim, affine=False)
        self.linear = nn.Linear(dim, out)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))

    def forward(self, x, y):
        shift, scale = self.adaLN_modulation(y).chunk(2, dim=-1)
        return self.linear(self.norm_final(x) * (1 + scale) + shift)


class SimpleMLPAdaLN(nn.Module):
    def __init__(self, ldim, dim, cond_dim, depth, num_time_conds=2):
        super().__init__()
        self.time_embed = nn.ModuleList([TimestepEmbedder(dim) for _ in range(num_time_conds)])
        self.cond_embed = nn.Linear(cond_dim, dim)
        self.input_proj = nn.Linear(ldim, dim)
        self.res_blocks = nn.ModuleList([ResBlock(dim) for _ in range(depth)])
        self.final_layer = FinalLayer(dim, ldim)

    def forward(self, c, s, t, x):
        x = self.input_proj(x)
        y = self.cond_embed(c)
        # Two time embedders (start s, target t) averaged; order of the sum matters bitwise.
        y = y + (self.time_embed[0](s) + self.time_embed[1](t)) / 2
        for blk in self.res_blocks:
            x = blk(x, y)
        return self.final_layer(x, y)


def lsd_decode(flow_net, c, noise, steps):
    """x += v(c, s, t, x) / N with s=i/N, t=(i+1)/N (spec §6.3)."""
    x = noise
    for i in range(steps):
        s = torch.full_like(x[..., :1], i / steps)
        t = torch.full_like(x[..., :1], (i + 1) / steps)
        x = x + flow_net(c, s, t, x) / steps
    return x
