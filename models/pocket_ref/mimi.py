"""Streaming Mimi decoder (spec §7.2-7.3). Parameter names match the official `mimi.*` keys.

State is a flat dict "module/key" -> tensor using the official state names (`previous`, `first`,
`partial`, `cache`, `end_offset`, `offset`), which is also what the community export's
`mimi_state_manifest` lists. Every forward returns a new dict instead of mutating.
"""
import torch
from torch import nn
import torch.nn.functional as F

from .rope import apply_rope, attention


class SConv1d(nn.Module):
    """Causal streaming conv: `previous` holds the last k_eff - stride input frames (zeros at start)."""

    def __init__(self, name, cin, cout, k, stride=1, dilation=1, groups=1, bias=True):
        super().__init__()
        self.name = name
        self.conv = nn.Conv1d(cin, cout, k, stride, dilation=dilation, groups=groups, bias=bias)
        self.tp = (k - 1) * dilation + 1 - stride

    def state_spec(self):
        return {f"{self.name}/first": ("bool", [1]),
                f"{self.name}/previous": ("float32", [1, self.conv.in_channels, self.tp])}

    def forward(self, x, st, out):
        if self.tp:
            x = torch.cat([st[f"{self.name}/previous"], x], dim=-1)
            out[f"{self.name}/previous"] = x[..., -self.tp:]
        else:
            out[f"{self.name}/previous"] = st[f"{self.name}/previous"]
        # pad_mode constant: `first` only matters for replicate padding, so it passes through.
        out[f"{self.name}/first"] = st[f"{self.name}/first"]
        return self.conv(x)


class SConvTr1d(nn.Module):
    """Streaming transposed conv: overlap-add of the K-S tail kept in `partial`, bias counted once."""

    def __init__(self, name, cin, cout, k, stride, groups=1, bias=True):
        super().__init__()
        self.name = name
        self.convtr = nn.ConvTranspose1d(cin, cout, k, stride, groups=groups, bias=bias)
        self.pt = k - stride

    def state_spec(self):
        return {f"{self.name}/partial": ("float32", [1, self.convtr.out_channels, self.pt])}

    def forward(self, x, st, out):
        y = self.convtr(x)
        pt = self.pt
        y = torch.cat([y[..., :pt] + st[f"{self.name}/partial"], y[..., pt:]], dim=-1)
        tail = y[..., -pt:]
        if self.convtr.bias is not None:
            tail = tail - self.convtr.bias[:, None]
        out[f"{self.name}/partial"] = tail
        return y[..., :-pt]


class MimiAttention(nn.Module):
    """Official Mimi attention state: ring cache [2,B,H,cap,Dh] + end_offset (write pointer) +
    offset (RoPE/query position). With cap >= 265 it equals the linear cache with a 250 window."""

    def __init__(self, name, d, heads, context, max_period):
        super().__init__()
        self.name = name
        self.h, self.dh = heads, d // heads
        self.context = context
        self.max_period = max_period
        self.in_proj = nn.Linear(d, 3 * d, bias=False)
        self.out_proj = nn.Linear(d, d, bias=False)

    def state_spec(self, cap):
        n = self.name
        return {f"{n}/cache": ("float32", [2, 1, self.h, cap, self.dh]),
                f"{n}/end_offset": ("int64", [1]), f"{n}/offset": ("int64", [1])}

    def forward(self, x, st, out):
        n = self.name
        cache, end_offset, offset = st[f"{n}/cache"], st[f"{n}/end_offset"], st[f"{n}/offset"]
        B, T, _ = x.shape
        cap = cache.shape[3]
        qkv = self.in_proj(x).reshape(B, T, 3, self.h, self.dh)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]
        rel = torch.arange(T, dtype=torch.int64)
        q, k = apply_rope(q, k, rel.float() + offset.float(), self.max_period)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # [B,H,T,Dh]
        widx = ((rel + end_offset) % cap).view(1, 1, T, 1).expand(B, self.h, T, self.dh)
        ck = cache[0].scatter(2, widx, k)
        cv = cache[1].scatter(2, widx, v)
        out[f"{n}/cache"] = torch.stack([ck, cv])
        # Absolute position held by every ring slot; -1 = never written.
        slots = torch.arange(cap, dtype=torch.int64)
        last = end_offset + T - 1
        delta = slots - last % cap
        pos_k = torch.where(delta <= 0, last + delta, last + delta - cap)
        new_end = end_offset + T
        pos_k = torch.where(slots >= new_end, torch.full_like(pos_k, -1), pos_k)
        out[f"{n}/end_offset"] = new_end
        out[f"{n}/offset"] = offset  # advanced by the decoder after all layers (increment_steps)
        pos_q = (rel + offset).view(T, 1)
        d = pos_q - pos_k.view(1, cap)
        mask = (pos_k.view(1, cap) >= 0) & (d >= 0) & (d < self.context)
        o = attention(q, ck, cv, mask)
        return self.out_proj(o.transpose(1, 2).reshape(B, T, self.h * self.dh))


class LayerScale(nn.Module):
    def __init__(self, d, init):
        super().__init__()
        self.scale = nn.Parameter(torch.full((d,), init))

    def forward(self, x):
        return self.scale * x


class MimiLayer(nn.Module):
    def __init__(self, name, c):
        super().__init__()
        d = c.dimension
        self.self_attn = MimiAttention(f"{name}.self_attn", d, c.tr_heads, c.context, c.max_period)
        self.norm1 = nn.LayerNorm(d, eps=1e-5)
        self.norm2 = nn.LayerNorm(d, eps=1e-5)
        self.linear1 = nn.Linear(d, c.tr_ffn, bias=False)
        self.linear2 = nn.Linear(c.tr_ffn, d, bias=False)
        self.layer_scale_1 = LayerScale(d, c.layer_scale)
        self.layer_scale_2 = LayerScale(d, c.layer_scale)

    def forward(self, x, st, out):
        x = x + self.layer_scale_1(self.self_attn(self.norm1(x), st, out))
        return x + self.layer_scale_2(self.linear2(F.gelu(self.linear1(self.norm2(x)))))


class _Layers(nn.Module):
    def __init__(self, prefix, c):
        super().__init__()
        self.layers = nn.ModuleList([MimiLayer(f"{prefix}.layers.{i}", c) for i in range(c.tr_layers)])


class ProjectedTransformer(nn.Module):
    def __init__(self, prefix, c):
        super().__init__()
        self.transformer = _Layers(f"{prefix}.transformer", c)  # d_model == in == out: no projections

    def forward(self, x, st, out):
        x = x.transpose(1, 2)
        for layer in self.transformer.layers:
            x = layer(x, st, out)
        return x.transpose(1, 2)


class ResnetBlock(nn.Module):
    def __init__(self, name, dim, c, dilation):
        super().__init__()
        hidden = dim // c.compress
        self.block = nn.ModuleList([
            nn.ELU(), SConv1d(f"{name}.block.1", dim, hidden, c.residual_kernel_size, dilation=dilation),
            nn.ELU(), SConv1d(f"{name}.block.3", hidden, dim, 1)])

    def forward(self, x, st, out):
        v = x
        for m in self.block:
            v = m(v, st, out) if isinstance(m, SConv1d) else m(v)
        return x + v


class SEANetDecoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        mult = 2 ** len(c.ratios)
        nf = c.n_filters
        m = [SConv1d("decoder.model.0", c.dimension, mult * nf, c.kernel_size)]
        for ratio in c.ratios:
            m.append(nn.ELU())
            m.append(SConvTr1d(f"decoder.model.{len(m)}", mult * nf, mult * nf // 2, 2 * ratio, ratio))
            for j in range(c.n_residual_layers):
                m.append(ResnetBlock(f"decoder.model.{len(m)}", mult * nf // 2, c, c.dilation_base ** j))
            mult //= 2
        m.append(nn.ELU())
        m.append(SConv1d(f"decoder.model.{len(m)}", nf, c.channels, c.last_kernel_size))
        self.model = nn.ModuleList(m)

    def forward(self, x, st, out):
        for m in self.model:
            x = m(x, st, out) if isinstance(m, (SConv1d, SConvTr1d, ResnetBlock)) else m(x)
        return x


class _Quantizer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.output_proj = nn.Conv1d(c.ldim, c.outer_dim, 1, bias=False)


class _Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        s = c.upsample_stride
        # Depthwise ConvTranspose k=2s, s: a learned interpolation, not a repeat.
        self.convtr = SConvTr1d("upsample.convtr", c.outer_dim, c.dimension, 2 * s, s,
                                groups=c.dimension, bias=False)


class MimiDecoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.cfg = c
        self.quantizer = _Quantizer(c)
        self.upsample = _Upsample(c)
        self.decoder_transformer = ProjectedTransformer("decoder_transformer", c)
        self.decoder = SEANetDecoder(c)

    def attn_modules(self):
        return [l.self_attn for l in self.decoder_transformer.transformer.layers]

    def decoder_state_spec(self, cap):
        spec = {}
        for m in self.modules():
            if isinstance(m, (SConv1d, SConvTr1d)):
                spec.update(m.state_spec())
            elif isinstance(m, MimiAttention):
                spec.update(m.state_spec(cap))
        return spec

    def init_state(self, cap):
        return {k: _fill(dt, shp) for k, (dt, shp) in self.decoder_state_spec(cap).items()}

    def forward(self, latent, emb_mean, emb_std, st):
        """latent [B,F,ldim] in normalized space -> audio [B,1,F*frame_size], new state."""
        out = {}
        z = (latent * emb_std + emb_mean).transpose(1, 2)
        z = self.quantizer.output_proj(z)
        z = self.upsample.convtr(z, st, out)
        z = self.decoder_transformer(z, st, out)
        audio = self.decoder(z, st, out)
        T = z.shape[-1]
        for a in self.attn_modules():
            out[f"{a.name}/offset"] = out[f"{a.name}/offset"] + T
        return audio, out


def _fill(dtype, shape):
    if dtype == "bool":
        return torch.ones(shape, dtype=torch.bool)
    if dtype == "int64":
        return torch.zeros(shape, dtype=torch.int64)
    return torch.zeros(shape, dtype=torch.float32)
