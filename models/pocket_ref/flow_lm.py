"""FlowLM backbone (spec §3, §3.5, §6.2). Parameter names match the official `flow_lm.*` keys.

Per-layer state is (cache [2, B, cap, H, Dh], step int64 [1]): a linear KV cache, K/V written at
[step, step+T), attention reads [0, step+T). The same code serves the reference loop (cap sized
like the official `_expand_kv_cache`) and the ONNX graph (cap = 1000, NaN-filled).
"""
import torch
from torch import nn
import torch.nn.functional as F

from .flow_head import SimpleMLPAdaLN
from .rope import apply_rope, attention


class FlowAttention(nn.Module):
    def __init__(self, d_model, num_heads, max_period):
        super().__init__()
        self.h = num_heads
        self.dh = d_model // num_heads
        self.max_period = max_period
        self.in_proj = nn.Linear(d_model, 3 * d_model, bias=False)  # rows [q | k | v], head-major
        self.out_proj = nn.Linear(d_model, d_model, bias=False)
        self.capture = None  # word timing: called with (q [B,T,H,Dh] after RoPE, keys [B,H,S,Dh])

    def forward(self, x, cache, step):
        B, T, _ = x.shape
        qkv = self.in_proj(x).reshape(B, T, 3, self.h, self.dh)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]
        rel = torch.arange(T, dtype=torch.int64)
        q, k = apply_rope(q, k, rel.float() + step.float(), self.max_period)
        # Scatter (not slice-assign) so the write position stays dynamic when traced.
        idx = (rel + step).view(1, T, 1, 1).expand(B, T, self.h, self.dh)
        ck = cache[0].scatter(1, idx, k)
        cv = cache[1].scatter(1, idx, v)
        new_cache = torch.stack([ck, cv])
        # Read only the written prefix: the NaN fill must never reach a matmul.
        keep = torch.arange(step[0] + T)
        kk = ck.index_select(1, keep).transpose(1, 2)
        vv = cv.index_select(1, keep).transpose(1, 2)
        pos_q = (rel + step).view(T, 1)
        mask = keep.view(1, -1) <= pos_q  # full causal, no context limit in FlowLM
        o = attention(q.transpose(1, 2), kk, vv, mask)
        if self.capture is not None:
            self.capture(q, kk)
        o = o.transpose(1, 2).reshape(B, T, self.h * self.dh)
        return self.out_proj(o), new_cache


class FlowLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = FlowAttention(c.d_model, c.num_heads, c.max_period)
        self.norm1 = nn.LayerNorm(c.d_model, eps=1e-5)
        self.norm2 = nn.LayerNorm(c.d_model, eps=1e-5)
        self.linear1 = nn.Linear(c.d_model, c.dim_feedforward, bias=False)
        self.linear2 = nn.Linear(c.dim_feedforward, c.d_model, bias=False)

    def forward(self, x, cache, step):
        a, cache = self.self_attn(self.norm1(x), cache, step)
        x = x + a
        x = x + self.linear2(F.gelu(self.linear1(self.norm2(x))))  # erf GELU
        return x, cache


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList([FlowLayer(c) for _ in range(c.num_layers)])


class LUT(nn.Module):
    def __init__(self, n_bins, dim):
        super().__init__()
        self.embed = nn.Embedding(n_bins + 1, dim)  # row n_bins = padding, never produced


class FlowLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.cfg = c
        D = c.d_model
        self.conditioner = LUT(c.n_bins, D)
        self.bos_emb = nn.Parameter(torch.zeros(c.ldim))
        self.register_buffer("emb_mean", torch.zeros(c.ldim))
        self.register_buffer("emb_std", torch.ones(c.ldim))
        self.bos_before_voice = nn.Parameter(torch.zeros(1, 1, D))
        self.speaker_proj_weight = nn.Parameter(torch.zeros(D, c.ldim))
        self.input_linear = nn.Linear(c.ldim, D, bias=False)
        self.transformer = Transformer(c)
        self.out_norm = nn.LayerNorm(D, eps=1e-5)
        self.out_eos = nn.Linear(D, 1)
        self.flow_net = SimpleMLPAdaLN(c.ldim, c.flow_dim, D, c.flow_depth)

    def embed_tokens(self, token_ids):
        return F.embedding(token_ids, self.conditioner.embed.weight)

    def init_state(self, cap):
        c = self.cfg
        return [(torch.full((2, 1, cap, c.num_heads, c.d_model // c.num_heads), float("nan")),
                 torch.zeros(1, dtype=torch.int64)) for _ in range(c.num_layers)]

    def forward(self, sequence, text_embeddings, states):
        """sequence [1,S,ldim] (NaN rows = BOS), text_embeddings [1,L,D] (prepended).
        Returns conditioning h [1,D] of the last position, eos logit [1,1], new states."""
        seq = torch.where(torch.isnan(sequence), self.bos_emb, sequence)
        x = torch.cat([text_embeddings, self.input_linear(seq)], dim=1)
        T = x.shape[1]
        new_states = []
        for layer, (cache, step) in zip(self.transformer.layers, states):
            x, cache = layer(x, cache, step)
            new_states.append((cache, step + T))
        h = self.out_norm(x)[:, -1]
        return h, self.out_eos(h), new_states
