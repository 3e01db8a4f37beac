"""Interleaved RoPE (pairs x[2i], x[2i+1]) with fp32 angles, spec §3.3."""
import math

import torch


def apply_rope(q, k, positions, max_period):
    """q, k: [B, T, H, D]; positions: fp32 [T] absolute positions (offset + arange(T))."""
    B, T, H, D = q.shape
    ds = torch.arange(D // 2, dtype=torch.float32)
    # Same expression as the reference so the constant folds to identical fp32 values.
    freqs = torch.exp(ds * (-math.log(max_period) * 2 / D))
    ang = freqs * positions.view(-1, 1, 1)  # fp32 product: float64 angles drift ~1e-4 rad
    rotr, roti = torch.cos(ang), torch.sin(ang)
    q = q.reshape(B, T, H, D // 2, 2)
    k = k.reshape(B, T, k.shape[2], D // 2, 2)
    qr, qi = q[..., 0], q[..., 1]
    kr, ki = k[..., 0], k[..., 1]
    qo = torch.stack([qr * rotr - qi * roti, qr * roti + qi * rotr], dim=-1)
    ko = torch.stack([kr * rotr - ki * roti, kr * roti + ki * rotr], dim=-1)
    return qo.reshape(B, T, H, D), ko.reshape(B, T, k.shape[2], D)


def attention(q, k, v, mask):
    """q [B,H,T,D], k/v [B,H,S,D], mask bool [T,S] or broadcastable. Hand-written SDPA
    (torch 1.13 has none): default scale 1/sqrt(D), softmax in fp32."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    scores = torch.where(mask, scores, torch.full_like(scores, float("-inf")))
    return torch.matmul(torch.softmax(scores, dim=-1), v)
