"""The official streaming generation loop (spec §4.3 per-chunk rules, §6, §7), at temperature 0
by default. Used for the golden-parity check and to write the project's reference outputs."""
import math

import numpy as np
import torch

from .flow_head import lsd_decode
from .text import prepare_text_prompt


def max_gen_len(n_tokens, frame_rate=12.5):
    return math.ceil((n_tokens / 3.0 + 2.0) * frame_rate)


def voice_state_from_kv(kv, num_layers):
    """kv: dict 'transformer.layers.{i}.self_attn/{cache,offset}' (Kyutai voice file)."""
    out = []
    for i in range(num_layers):
        cache = torch.from_numpy(np.asarray(kv[f"transformer.layers.{i}.self_attn/cache"], np.float32))
        off = int(np.asarray(kv[f"transformer.layers.{i}.self_attn/offset"]).reshape(-1)[0])
        assert off == cache.shape[2]
        out.append((cache, torch.tensor([off], dtype=torch.int64)))
    return out


def _expand(states, extra):
    # Like the official _expand_kv_cache: grow capacity with NaN; a fresh copy per chunk.
    out = []
    for cache, step in states:
        pad = torch.full(cache.shape[:2] + (extra,) + cache.shape[3:], float("nan"))
        out.append((torch.cat([cache, pad], dim=2), step.clone()))
    return out


@torch.no_grad()
def prefill_voice(flow_lm, conditioning):
    """conditioning [1,N,D] (bos_before_voice already prepended) -> KV state of exactly N positions."""
    st = flow_lm.init_state(conditioning.shape[1])
    empty = torch.zeros(1, 0, flow_lm.cfg.ldim)
    _, _, st = flow_lm(empty, conditioning, st)
    return st


@torch.no_grad()
def generate_chunk(flow_lm, mimi, voice_state, token_ids, frames_after_eos, lsd_steps=1,
                   temperature=0.0, eos_threshold=-4.0, generator=None, mimi_cap=None, capture=None):
    n = len(token_ids)
    mgl = max_gen_len(n)
    st = _expand(voice_state, n + mgl)
    ldim = flow_lm.cfg.ldim
    emb = flow_lm.embed_tokens(torch.tensor([token_ids], dtype=torch.int64))
    _, _, st = flow_lm(torch.zeros(1, 0, ldim), emb, st)
    no_text = torch.zeros(1, 0, flow_lm.cfg.d_model)
    x = torch.full((1, 1, ldim), float("nan"))  # NaN => bos_emb inside FlowLM
    eos_step, latents, eos_logits = None, [], []
    for step in range(mgl):
        h, eos, st = flow_lm(x, no_text, st)
        eos_logits.append(float(eos[0, 0]))
        if temperature > 0:
            noise = torch.randn(1, ldim, generator=generator) * math.sqrt(temperature)
        else:
            noise = torch.zeros(1, ldim)
        lat = lsd_decode(flow_lm.flow_net, h, noise, lsd_steps)
        if eos_logits[-1] > eos_threshold and eos_step is None:
            eos_step = step
        emitted = eos_step is None or step < eos_step + frames_after_eos
        if capture is not None:
            capture.end_step(emitted)
        if not emitted:
            break  # this step's latent is not emitted
        latents.append(lat[0].numpy().copy())
        x = lat.view(1, 1, ldim)
    lat_np = np.stack(latents).astype(np.float32) if latents else np.zeros((0, ldim), np.float32)
    # Fresh Mimi state per chunk, one latent per call like the reference decode worker.
    mst = mimi.init_state(mimi_cap or max(mgl * mimi.cfg.upsample_stride, 1))
    pcm = []
    for f in range(lat_np.shape[0]):
        a, mst = mimi(torch.from_numpy(lat_np[f:f + 1][None]), flow_lm.emb_mean, flow_lm.emb_std, mst)
        pcm.append(a[0, 0].numpy())
    pcm = np.concatenate(pcm).astype(np.float32) if pcm else np.zeros(0, np.float32)
    return dict(token_ids=list(token_ids), n_tokens=n, max_gen_len=mgl, frames_after_eos=frames_after_eos,
                ar_steps_run=len(eos_logits), first_eos_step=eos_step, frames_emitted=lat_np.shape[0],
                eos_logits=np.array(eos_logits, np.float32), latents=lat_np, pcm=pcm)


def frames_after_eos_for(chunk_text, model_recommended=None):
    if model_recommended is not None:
        return model_recommended
    return prepare_text_prompt(chunk_text)[1] + 2
