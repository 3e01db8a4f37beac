#!/usr/bin/python3
"""Proves models/pocket_ref equals the official Pocket TTS implementation: loads the official
tiny model (../shared/models/tiny-parity) into our modules, replays its golden outputs and remakes its voice from
voice_prompt_audio.npy with our Mimi encoder.
Exit 0 = parity, 1 = mismatch; skips (exit 0) when the fixture is absent."""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from pocket_ref import config, safetensors_io  # noqa: E402
from pocket_ref.generation import generate_chunk, voice_state_from_kv  # noqa: E402
from pocket_ref.loading import build, load_official  # noqa: E402
from pocket_ref.text import split_into_best_sentences  # noqa: E402
from pocket_ref.generation import frames_after_eos_for, prefill_voice  # noqa: E402
from pocket_ref.mimi_encoder import MimiEncoder, speaker_conditioning  # noqa: E402

FIXTURE = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "models", "tiny-parity"))
TOL = {"latents": 1e-4, "pcm": 1e-4, "eos_logits": 1e-3, "voice": 1e-4}


def main():
    if not os.path.isdir(FIXTURE):
        print(f"SKIP: {FIXTURE} not present (official tiny parity fixture)")
        return 0
    torch.set_num_threads(1)
    t0 = time.time()
    cfg = config.from_tiny_parity_yaml()
    flow_lm, mimi = build(cfg)
    sd = safetensors_io.load(os.path.join(FIXTURE, "model.safetensors"))
    load_official(flow_lm, mimi, sd)
    kv = safetensors_io.load(os.path.join(FIXTURE, "voice.safetensors"))
    voice = voice_state_from_kv(kv, cfg.flow_lm.num_layers)
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(FIXTURE, "tokenizer.model"))
    ok = True
    worst = {k: 0.0 for k in TOL}
    # The voice file was made by get_state_for_audio_prompt(voice_prompt_audio.npy): remake it.
    encoder = MimiEncoder(cfg.mimi).eval()
    encoder.load_state_dict({k: torch.from_numpy(sd[f"mimi.{k}"].copy()) for k in encoder.state_dict()}, strict=True)
    audio = torch.from_numpy(np.load(os.path.join(FIXTURE, "voice_prompt_audio.npy"))).view(1, 1, -1)
    with torch.no_grad():
        cond = torch.cat([flow_lm.bos_before_voice, speaker_conditioning(flow_lm, encoder, audio)], dim=1)
        for i, (cache, _) in enumerate(prefill_voice(flow_lm, cond)):
            want = kv[f"transformer.layers.{i}.self_attn/cache"]
            worst["voice"] = max(worst["voice"], float(np.abs(cache.numpy() - want).max()) if cache.shape == want.shape else np.inf)
    gold_root = os.path.join(FIXTURE, "golden")
    for name in sorted(os.listdir(gold_root)):
        gdir = os.path.join(gold_root, name)
        if not os.path.isfile(os.path.join(gdir, "info.json")):
            continue
        info = json.load(open(os.path.join(gdir, "info.json")))
        lsd = int(info["params"].get("lsd_decode_steps", 1))
        # The text port (prepare/split/tokenize/frames-after-EOS) must give the golden chunks too.
        chunks = split_into_best_sentences(sp, info["text"], int(info["params"]["max_tokens_per_chunk"]))
        want = [(c["text"], c["token_ids"], c["frames_after_eos"]) for c in info["chunks"]]
        got = [(c, sp.encode(c, out_type=int), frames_after_eos_for(c)) for c in chunks]
        if got != want:
            print(f"FAIL {name}: text chunking differs: {[g[0] for g in got]} vs {[w[0] for w in want]}")
            ok = False
        pcm, frames = [], 0
        for ci, ch in enumerate(info["chunks"]):
            r = generate_chunk(flow_lm, mimi, voice, ch["token_ids"], ch["frames_after_eos"], lsd_steps=lsd)
            g_eos = np.load(os.path.join(gdir, f"chunk{ci}_eos_logits.npy"))
            g_lat = np.load(os.path.join(gdir, f"chunk{ci}_latents.npy"))
            if r["frames_emitted"] != ch["frames_emitted"] or len(r["eos_logits"]) != len(g_eos) \
                    or r["first_eos_step"] != ch["first_eos_step"] or r["max_gen_len"] != ch["max_gen_len"]:
                print(f"FAIL {name} chunk{ci}: frames {r['frames_emitted']} vs {ch['frames_emitted']}, "
                      f"eos step {r['first_eos_step']} vs {ch['first_eos_step']}, "
                      f"steps {len(r['eos_logits'])} vs {len(g_eos)}, max_gen_len {r['max_gen_len']}")
                ok = False
                continue
            d_eos = float(np.abs(r["eos_logits"] - g_eos.reshape(-1)).max()) if len(g_eos) else 0.0
            d_lat = float(np.abs(r["latents"] - g_lat.reshape(r["latents"].shape)).max()) if g_lat.size else 0.0
            worst["eos_logits"] = max(worst["eos_logits"], d_eos)
            worst["latents"] = max(worst["latents"], d_lat)
            pcm.append(r["pcm"])
            frames += r["frames_emitted"]
        g_pcm = np.load(os.path.join(gdir, "pcm.npy")).reshape(-1)
        pcm = np.concatenate(pcm) if pcm else np.zeros(0, np.float32)
        if frames != info["total_frames"] or pcm.shape != g_pcm.shape:
            print(f"FAIL {name}: frames {frames} vs {info['total_frames']}, pcm {pcm.shape} vs {g_pcm.shape}")
            ok = False
            continue
        d_pcm = float(np.abs(pcm - g_pcm).max())
        worst["pcm"] = max(worst["pcm"], d_pcm)
        print(f"{name}: chunks {len(info['chunks'])} frames {frames} max|d| pcm {d_pcm:.3g}")
    print("max diffs: " + ", ".join(f"{k} {v:.3g} (tol {TOL[k]:g})" for k, v in worst.items()))
    ok = ok and all(worst[k] <= TOL[k] for k in TOL)
    print(f"{'PASS' if ok else 'FAIL'}: pocket_ref vs official golden ({time.time() - t0:.1f}s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
