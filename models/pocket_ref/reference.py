"""Writes reference outputs in the schema of shared/models/tiny-parity/golden/<text>/."""
import json
import os

import math

import numpy as np
import torch
import torch.nn.functional as F

from . import safetensors_io
from .generation import frames_after_eos_for, generate_chunk, prefill_voice
from .mimi_encoder import speaker_conditioning
from .text import split_into_best_sentences


def write_reference(out_dir, name, text, sp, flow_lm, mimi, voice, max_tokens, lsd_steps, seed, voice_name,
                    remove_semicolons=False, frames_after_eos=None):
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    chunks_txt = split_into_best_sentences(sp, text, max_tokens, remove_semicolons=remove_semicolons)
    chunks, all_lat, all_pcm, offset = [], [], [], 0
    for i, ct in enumerate(chunks_txt):
        ids = sp.encode(ct, out_type=int)  # the raw chunk is tokenized, as in the reference
        r = generate_chunk(flow_lm, mimi, voice, ids, frames_after_eos_for(ct, frames_after_eos), lsd_steps=lsd_steps)
        np.save(os.path.join(d, f"chunk{i}_token_ids.npy"), np.array(ids, np.int64))
        np.save(os.path.join(d, f"chunk{i}_eos_logits.npy"), r["eos_logits"])
        np.save(os.path.join(d, f"chunk{i}_latents.npy"), r["latents"])
        chunks.append({"text": ct, "token_ids": ids, "n_tokens": r["n_tokens"], "max_gen_len": r["max_gen_len"],
                       "frames_after_eos": r["frames_after_eos"], "ar_steps_run": r["ar_steps_run"],
                       "first_eos_step": r["first_eos_step"], "frames_emitted": r["frames_emitted"],
                       "pcm_offset": offset, "eos_logits": [round(float(x), 6) for x in r["eos_logits"]]})
        offset += len(r["pcm"])
        all_lat.append(r["latents"])
        all_pcm.append(r["pcm"])
    lat = np.concatenate(all_lat).astype(np.float32)
    pcm = np.concatenate(all_pcm).astype(np.float32)
    np.save(os.path.join(d, "latents.npy"), lat)
    np.save(os.path.join(d, "pcm.npy"), pcm)
    info = {"text": text, "chunks": chunks, "total_frames": int(lat.shape[0]), "pcm_samples": int(pcm.shape[0]),
            "params": {"temperature": 0.0, "lsd_decode_steps": lsd_steps, "noise_clamp": None,
                       "eos_threshold": -4.0,
                       "frames_after_eos": frames_after_eos if frames_after_eos is not None
                       else "None -> official guess (3 if <=4 words else 1) + 2, per chunk",
                       "max_tokens_per_chunk": max_tokens,
                       "max_gen_len": "ceil((tokens/3 + 2) * 12.5) per chunk", "copy_state": True,
                       "mimi_state": "fresh per chunk, one latent per decoder call",
                       "pad_with_spaces_for_short_inputs": False, "remove_semicolons": remove_semicolons,
                       "seed": seed, "voice": voice_name,
                       "produced_by": "models/pocket_ref PyTorch streaming loop (not onnxruntime)"}}
    with open(os.path.join(d, "info.json"), "w") as f:
        json.dump(info, f, indent=1, ensure_ascii=False)
    return {"chunks": len(chunks), "frames": int(lat.shape[0]), "eos_steps": [c["first_eos_step"] for c in chunks],
            "pcm_absmax": float(np.abs(pcm).max()) if pcm.size else 0.0,
            "pcm_std": float(pcm.std()) if pcm.size else 0.0}


@torch.no_grad()
def write_clone_reference(out_dir, flow_lm, encoder, frame_size, seed, seconds=2.5, sample_rate=24000):
    """A voice made from a synthetic prompt the way get_state_for_audio_prompt makes one: prompt.npy (float32 mono
    24 kHz, not a whole number of frames) and voice.safetensors (the KV state, Kyutai's layout)."""
    d = os.path.join(out_dir, "voice_clone")
    os.makedirs(d, exist_ok=True)
    g = torch.Generator().manual_seed(seed)
    n = int(seconds * sample_rate)
    t = torch.arange(n, dtype=torch.float32) / sample_rate
    audio = (0.3 * torch.sin(2 * math.pi * 150 * t) + 0.1 * torch.sin(2 * math.pi * 450 * t)) * (0.6 + 0.4 * torch.sin(2 * math.pi * 3 * t))
    audio = audio + 0.02 * torch.randn(n, generator=g)
    padded = F.pad(audio, (0, (-n) % frame_size)).view(1, 1, -1)  # Kyutai pads to whole frames with zeros
    cond = torch.cat([flow_lm.bos_before_voice, speaker_conditioning(flow_lm, encoder, padded)], dim=1)
    kv = {}
    for i, (cache, step) in enumerate(prefill_voice(flow_lm, cond)):
        kv[f"transformer.layers.{i}.self_attn/cache"] = cache.numpy().astype(np.float32)
        kv[f"transformer.layers.{i}.self_attn/offset"] = step.numpy().astype(np.int64)
    np.save(os.path.join(d, "prompt.npy"), audio.numpy().astype(np.float32))
    safetensors_io.save(os.path.join(d, "voice.safetensors"), kv)
    return {"prompt_samples": n, "positions": int(cond.shape[1])}
