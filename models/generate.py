#!/usr/bin/python3
"""Generates the project's own random-weight Pocket TTS model in the community ONNX export
contract (same files/graphs/bundle.json as ../shared/models/tiny-parity, the voice encoder included), the same weights in the
CoreML v2 step contract as ONNX (DIR/coreml/, see pocket_ref/export_coreml.py), plus, for `tiny`,
reference outputs from the PyTorch streaming loop. DIR-int8 gets the same set with the backbone and
flow head quantized like the published `_int8` graphs (pocket_ref/quantize.py).

`--variant french_24l` makes a tiny model with the shape and rules of the published french_24l bundle
instead: 24 layers, its own (French) tokenizer, remove_semicolons and 8 frames after EOS in bundle.json,
references made with those rules (no CoreML set: CoreML is English only).

  /usr/bin/python3 models/generate.py --size tiny|full --out DIR [--seed N] [--variant english|french_24l]
"""
import argparse
import json
import logging
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from pocket_ref import config, export, export_coreml, init_weights, quantize, reference, safetensors_io, timestamps, tokenizer  # noqa: E402
from pocket_ref.generation import prefill_voice  # noqa: E402
from pocket_ref.loading import build  # noqa: E402
from pocket_ref.mimi_encoder import MimiEncoder  # noqa: E402
from pocket_ref.text import split_into_best_sentences  # noqa: E402

VOICE = "alba"
# Calibration for the EOS read-out. The reference texts are appended: the linear read-out
# generalizes only roughly to unseen text (see model_info.json / the report), and the
# references must be well-behaved.
CALIBRATION = [
    "Hello there, how are you today?",
    "It was a bright cold day in April, and the clocks were striking thirteen.",
    "Please call me when you arrive at the station, and bring an umbrella.",
    "Children were playing in the park while their parents talked about the news.",
    "Version 1.2.3 fixed 7 bugs.",
    "Is this the right way?",
    "Markdown uses headings, bullets, quotes and code spans.",
    "Good morning.",
    "After the rain stopped, the sun came out and the streets began to dry.",
    "The extension reads selections, comments and documents aloud on your machine.",
    "Zero, one, two, three, four, five.",
    "Functions return values or throw errors.",
]
REFERENCES = [  # (dir name, text)
    ("two_words", "Hello world"),
    ("sentence", "The quick brown fox jumps over the lazy dog near the quiet river bank."),
    ("paragraph", "Reading aloud helps you learn the rhythm of a language. The meeting starts at 10:30 "
                  "on Monday, March 3rd, in room 42B! Did you bring the umbrella? Call me when you arrive "
                  "at the station; I will wait near the clock. Thanks 😀"),
]
# Word-timing references (fp32, LSD 1): the texts above plus one of hyphens, apostrophes and accents.
WORD_REFERENCES = REFERENCES + [
    ("accents", "Don't re-read the café's naïve résumé: it's well-known, isn't it? Zoë agreed."),
]
REF_MAX_TOKENS = 50

# Per variant: calibration and reference texts, and the bundle's text rules.
FRENCH_CALIBRATION = [
    "Bonjour, comment allez-vous aujourd'hui ?",
    "Il faisait beau et froid en avril; les horloges sonnaient treize heures.",
    "Appelez-moi quand vous arrivez à la gare, et prenez un parapluie.",
    "Les enfants jouaient dans le parc pendant que leurs parents parlaient.",
    "Est-ce le bon chemin ?",
    "Bonne nuit.",
    "Après la pluie, le soleil est revenu et les rues ont commencé à sécher.",
    "L'extension lit les documents à voix haute sur votre machine.",
]
FRENCH_REFERENCES = [
    ("deux_mots", "Bonjour le monde"),
    ("point_virgule", "Le vif renard brun saute; le chien dort près de la rivière."),
    ("paragraphe", "Lire à voix haute aide à apprendre le rythme d'une langue; cela aide aussi à se concentrer. "
                   "La réunion commence à dix heures trente; prenez un parapluie ! Est-ce le bon chemin ?"),
]
VARIANTS = {
    "english": dict(language="english", calibration=CALIBRATION, references=REFERENCES, lsd=(1, 4),
                    remove_semicolons=False, frames_after_eos=None, coreml=True, voice_clone=True,
                    word_references=WORD_REFERENCES),
    "french_24l": dict(language="french", calibration=FRENCH_CALIBRATION, references=FRENCH_REFERENCES, lsd=(1,),
                       remove_semicolons=True, frames_after_eos=8, coreml=False, voice_clone=False,
                       word_references=None),
}


def log(msg, t0):
    print(f"[{time.time() - t0:6.1f}s] {msg}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=["tiny", "full"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--variant", choices=sorted(VARIANTS), default="english")
    a = ap.parse_args()
    v = VARIANTS[a.variant]
    logging.getLogger("pocket_ref.text").setLevel(logging.ERROR)  # calibration chunks may exceed 50
    t0 = time.time()
    torch.set_num_threads(1 if a.size == "tiny" else 2)  # tiny: 1 thread keeps references bit-stable
    cfg = config.tiny() if a.size == "tiny" else config.full()
    if a.variant == "french_24l":
        cfg = config.tiny_french_24l() if a.size == "tiny" else config.full()
        cfg.flow_lm.num_layers = 24
    out = os.path.abspath(a.out)
    if os.path.exists(os.path.join(out, "bundle.json")):
        os.remove(os.path.join(out, "bundle.json"))  # bundle.json is written last = "complete" marker
    os.makedirs(os.path.join(out, "voices"), exist_ok=True)

    sp = tokenizer.train(os.path.join(out, "tokenizer.model"), cfg.flow_lm.n_bins, seed=a.seed, language=v["language"])
    assert sp.vocab_size() == cfg.flow_lm.n_bins
    log(f"tokenizer ({v['language']}): unigram, {sp.vocab_size()} pieces, byte_fallback", t0)

    flow_lm, mimi = build(cfg)
    init_weights.randomize(flow_lm, mimi, a.seed)
    encoder = MimiEncoder(cfg.mimi).eval()
    init_weights.randomize_encoder(encoder, a.seed + 3)
    log(f"weights: {sum(p.numel() for p in flow_lm.parameters()) / 1e6:.1f}M flow_lm, "
        f"{sum(p.numel() for p in mimi.parameters()) / 1e6:.1f}M mimi decoder, "
        f"{sum(p.numel() for p in encoder.parameters()) / 1e6:.1f}M voice encoder", t0)

    # Voice = KV state of [bos_before_voice] + N random "Mimi latents" through speaker_proj,
    # prefilled by our FlowLM exactly like get_state_for_audio_prompt.
    g = torch.Generator().manual_seed(a.seed + 1)
    with torch.no_grad():
        raw = torch.randn(1, cfg.voice_frames, cfg.flow_lm.ldim, generator=g) * flow_lm.emb_std + flow_lm.emb_mean
        cond = torch.cat([flow_lm.bos_before_voice, F.linear(raw, flow_lm.speaker_proj_weight)], dim=1)
        voice = prefill_voice(flow_lm, cond)
    t_v = cond.shape[1]
    kv = {}
    for i, (cache, step) in enumerate(voice):
        assert int(step[0]) == t_v
        kv[f"transformer.layers.{i}.self_attn/cache"] = cache.numpy().astype(np.float32)
        kv[f"transformer.layers.{i}.self_attn/offset"] = step.numpy().astype(np.int64)
    safetensors_io.save(os.path.join(out, "voices", f"{VOICE}.safetensors"), kv)
    np.save(os.path.join(out, "bos_before_voice.npy"), flow_lm.bos_before_voice.detach().numpy().astype(np.float32))
    log(f"voice '{VOICE}': {t_v} positions", t0)

    cal_texts = v["calibration"] + tokenizer.random_sentences(a.seed + 2, 16, v["language"]) + [t for _, t in v["references"]]

    def split(t):
        return split_into_best_sentences(sp, t, REF_MAX_TOKENS, remove_semicolons=v["remove_semicolons"])

    cal = [sp.encode(c, out_type=int) for t in cal_texts for c in split(t)]
    n_ref = sum(len(split(t)) for _, t in v["references"])
    lsd_fit, n_pcm = (1, 4), 3
    if a.size == "full":
        # Keeps the full build cheap (it is for benchmarking; its EOS timing only needs to be plausible).
        cal, lsd_fit, n_pcm, n_ref = cal[:4], (1,), 2, 0
    firsts, lats = init_weights.fit_eos(flow_lm, voice, cal, lsd_steps=lsd_fit, margin_last=n_ref)
    log(f"out_eos fitted: first EOS step per calibration text {firsts}", t0)
    std0, std1 = init_weights.fit_pcm_std(flow_lm, mimi, [l[:12] for l in lats[:n_pcm]])
    log(f"last conv gain: PCM std {std0:.3g} -> {std1:.3g}", t0)

    fm, mm = export.export_all(cfg, flow_lm, mimi, out)
    export.export_encoder(cfg, flow_lm, encoder, out)
    log("onnx exported: " + ", ".join(f"{n} {os.path.getsize(os.path.join(out, n)) / 1e6:.1f} MB" for n in
                                       ("text_conditioner.onnx", "flow_lm_main.onnx", "flow_lm_flow.onnx", "mimi_decoder.onnx",
                                        "mimi_encoder.onnx")), t0)
    if v["coreml"]:
        # The CoreML step contract (as ONNX) for the CoreML backend's tests; before bundle.json, which marks "complete".
        cm = export_coreml.export_coreml(cfg, flow_lm, mimi, out, os.path.join(out, "tokenizer.model"),
                                         os.path.join(out, "voices", f"{VOICE}.safetensors"), cond)
        log(f"coreml step contract (onnx) exported: {cm}", t0)

    info = {"size": a.size, "seed": a.seed, "variant": a.variant, "generator": "models/generate.py",
            "calibration_first_eos_steps": firsts, "pcm_std_fit": [std0, std1], "voice_positions": t_v,
            "config": {"flow_lm": cfg.flow_lm.__dict__, "mimi": cfg.mimi.__dict__}}
    if a.size == "tiny":
        ref_root = os.path.join(out, "reference")
        shutil.rmtree(ref_root, ignore_errors=True)
        summary = {}
        for lsd in v["lsd"]:
            for name, text in v["references"]:
                n = name if lsd == 1 else f"{name}_lsd{lsd}"
                summary[n] = reference.write_reference(ref_root, n, text, sp, flow_lm, mimi, voice,
                                                       REF_MAX_TOKENS, lsd, a.seed, VOICE,
                                                       remove_semicolons=v["remove_semicolons"],
                                                       frames_after_eos=v["frames_after_eos"])
        if v["voice_clone"]:
            summary["voice_clone"] = reference.write_clone_reference(ref_root, flow_lm, encoder, cfg.mimi.frame_size, a.seed + 4)
        if v["word_references"]:
            heads = timestamps.heads_for(f"pocket_reader_{a.size}", os.path.join(HERE, "timestamp-heads.json"))
            for name, text in v["word_references"]:
                summary[f"words/{name}"] = timestamps.write_word_reference(
                    os.path.join(ref_root, "words"), name, text, sp, flow_lm, mimi, voice, REF_MAX_TOKENS, heads)
        with open(os.path.join(ref_root, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
        info["reference"] = summary
        log("reference: " + json.dumps(summary), t0)
    with open(os.path.join(out, "model_info.json"), "w") as f:
        json.dump(info, f, indent=1, ensure_ascii=False)

    name = f"pocket_reader_{a.size}" if a.variant == "english" else a.variant
    bundle = {"bos_before_voice_file": "bos_before_voice.npy", "bundle_name": name,
              "conditioning_dim": cfg.flow_lm.d_model, "flow_lm_state_manifest": fm, "frame_rate": cfg.mimi.frame_rate,
              "insert_bos_before_voice": True, "language": name, "latent_dim": cfg.flow_lm.ldim,
              "max_token_per_chunk": 50, "mimi_state_manifest": mm,
              "model_recommended_frames_after_eos": v["frames_after_eos"],
              "pad_with_spaces_for_short_inputs": False, "predefined_voices": [VOICE],
              "remove_semicolons": v["remove_semicolons"],
              "sample_rate": cfg.mimi.sample_rate, "samples_per_frame": cfg.mimi.frame_size, "schema_version": 2,
              "tokenizer_file": "tokenizer.model"}
    with open(os.path.join(out, "bundle.json"), "w") as f:
        json.dump(bundle, f, indent=2, sort_keys=True)
    counts = quantize.write_int8_set(out, out + "-int8")
    log(f"int8 set: {out}-int8 ({', '.join(f'{g}: {n} linear layers' for g, n in counts.items())})", t0)
    log(f"done: {out}", t0)


if __name__ == "__main__":
    main()
