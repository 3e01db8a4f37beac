"""Word timing from backbone attention, after dpm63/pocket-tts-timestamped (timestamps/text.py,
timestamps/alignment.py, modules/attention.py): the reference the TypeScript engine is checked against.

Units of a chunk are taken from the chunk text the model reads (lexical words, including hyphenated and
accented ones, and punctuation runs as non-word units); each word points back to the source text.
Offsets written for the TypeScript side are UTF-16 code units; overlaps of pieces and units are counted in
code points, as the fork does with SentencePiece's immutable proto.
"""
import json
import math
import os
import unicodedata

import torch

from .generation import frames_after_eos_for, generate_chunk
from .text import split_into_best_sentences

_CONTINUATIONS = "-\u2010\u2011'\u2019"
_FOLD = str.maketrans({"\u2019": "'", "\u2010": "-", "\u2011": "-"})
SILENCE_RMS = float(torch.tensor(1e-3, dtype=torch.float32).item())
NON_NEXT_THRESHOLD = 0.001


def heads_for(bundle_name, table_path):
    with open(table_path, encoding="utf-8") as f:
        table = json.load(f)["bundles"]
    return [(h["layer"], h["head"]) for h in table.get(bundle_name, [])]


# ---------------------------------------------------------------- text units

def _is_word_char(c):
    return c.isalnum()


def _is_mark(c):
    return unicodedata.category(c).startswith("M")


def _is_punct(c):
    return unicodedata.category(c).startswith("P")


def normalized_word(text):
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return "".join(c for c in folded if c.isalnum() or c in "'-")


def lexical_spans(text):
    """[begin, end) code point spans of words: alnum runs with their combining marks, joined by - ' inside."""
    spans, i = [], 0
    while i < len(text):
        if not _is_word_char(text[i]):
            i += 1
            continue
        begin = i
        while True:
            while i < len(text) and (_is_word_char(text[i]) or _is_mark(text[i])):
                i += 1
            if i + 1 < len(text) and text[i] in _CONTINUATIONS and _is_word_char(text[i + 1]):
                i += 1
                continue
            break
        if normalized_word(text[begin:i]):
            spans.append((begin, i))
    return spans


def _utf16(text):
    """Code point index -> UTF-16 offset (len(text) + 1 entries)."""
    out = [0]
    for c in text:
        out.append(out[-1] + (2 if ord(c) > 0xFFFF else 1))
    return out


def chunk_units(source, chunk_texts):
    """Units per chunk: dicts with code point spans in the chunk (`b`, `e`), source code point spans of words,
    `is_word` and `synthetic` (punctuation the source does not have after the chunk's last word).
    Words map to source words one to one (the fork's fast path); the reference texts are chosen so it holds."""
    source_words = lexical_spans(source)
    chunk_words = [(ci, s) for ci, t in enumerate(chunk_texts) for s in lexical_spans(t)]
    if len(source_words) != len(chunk_words) or any(
            normalized_word(source[a:b]) != normalized_word(chunk_texts[ci][s:e])
            for (a, b), (ci, (s, e)) in zip(source_words, chunk_words)):
        raise ValueError("reference text: chunk words differ from source words")
    out, k = [], 0
    for ci, text in enumerate(chunk_texts):
        words = [s for c, s in chunk_words if c == ci]
        units, covered = [], [False] * len(text)
        for s, e in words:
            a, b = source_words[k]
            units.append(dict(b=s, e=e, is_word=True, synthetic=False, src=(a, b), word_index=k))
            covered[s:e] = [True] * (e - s)
            k += 1
        i = 0
        while i < len(text):
            if covered[i] or not _is_punct(text[i]):
                i += 1
                continue
            j = i + 1
            while j < len(text) and not covered[j] and _is_punct(text[j]):
                j += 1
            units.append(dict(b=i, e=j, is_word=False, synthetic=_synthetic(source, source_words, units, i), src=None))
            i = j
        units.sort(key=lambda u: (u["b"], u["e"]))
        out.append(units)
    return out


def _synthetic(source, source_words, units, begin):
    words = [u for u in units if u["is_word"]]
    if not words or begin < words[-1]["e"]:
        return False
    last = words[-1]
    nxt = last["word_index"] + 1
    until = source_words[nxt][0] if nxt < len(source_words) else len(source)
    return not any(_is_punct(c) for c in source[last["src"][1]:until])


def token_to_unit(sp, chunk_text, units):
    """[tokens, units]: each piece's code point overlap with each unit, rows normalised to sum 1 (or 0)."""
    proto = sp.encode(chunk_text, out_type="immutable_proto")  # its pieces live only as long as it does
    pieces = [(p.piece, p.id, p.begin, p.end) for p in proto.pieces]
    spans = [[b, e] for _, _, b, e in pieces]
    # Byte-fallback pieces of one character all get that character's span.
    i = 0
    while i < len(pieces):
        first = _byte_value(pieces[i][0])
        if first is None:
            i += 1
            continue
        n = 1 if first < 0x80 else 2 if 0xC2 <= first <= 0xDF else 3 if 0xE0 <= first <= 0xEF else 4 if 0xF0 <= first <= 0xF4 else 1
        seq = [_byte_value(p[0]) for p in pieces[i:i + n]]
        valid = len(seq) == n and all(v is not None and 0x80 <= v <= 0xBF for v in seq[1:])
        j = i + n if valid else i + 1
        b, e = min(s[0] for s in spans[i:j]), max(s[1] for s in spans[i:j])
        if e > b:
            spans[i:j] = [[b, e]] * (j - i)
        i = j
    m = torch.zeros(len(pieces), len(units))
    for t, (pb, pe) in enumerate(spans):
        for u, unit in enumerate(units):
            m[t, u] = max(0, min(pe, unit["e"]) - max(pb, unit["b"]))
    totals = m.sum(dim=1, keepdim=True)
    m = torch.where(totals > 0, m / totals.clamp_min(1), m)
    return m, [p[1] for p in pieces]


def _byte_value(piece):
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        try:
            return int(piece[3:5], 16)
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- capture

class AttentionCapture:
    """Per frame: each configured head's query against the keys at the chunk's text positions, scaled,
    softmaxed over those positions only, mapped to units and averaged over heads."""

    def __init__(self, flow_lm, heads, text_start, text_end, mapping):
        self.heads, self.mapping = heads, mapping
        self.text = (text_start, text_end)
        self.layers = [flow_lm.transformer.layers[layer].self_attn for layer, _ in heads]
        for layer in sorted({l for l, _ in heads}):
            flow_lm.transformer.layers[layer].self_attn.capture = (lambda q, k, layer=layer: self._on(layer, q, k))
        self.frames, self._sum, self._count = [], None, 0

    def _on(self, layer, q, keys):
        if q.shape[1] != 1:
            return  # text prefill
        a, b = self.text
        for l, h in self.heads:
            if l != layer:
                continue
            logits = torch.mv(keys[0, h, a:b], q[0, 0, h]) / math.sqrt(q.shape[-1])
            scores = torch.softmax(logits.float(), dim=-1) @ self.mapping
            self._sum = scores if self._sum is None else self._sum + scores
            self._count += 1

    def end_step(self, emitted):
        if self._count != len(self.heads):
            raise RuntimeError("attention was not captured for every head")
        if emitted:
            self.frames.append((self._sum / self._count).numpy().copy())
        self._sum, self._count = None, 0

    def remove(self):
        for attn in self.layers:
            attn.capture = None


# ---------------------------------------------------------------- alignment

def is_voiced(frame):
    x = torch.from_numpy(frame).float()
    return float(torch.dot(x, x)) > SILENCE_RMS ** 2 * x.numel()


def align(units, frame_scores, voiced, frame_size, sample_rate):
    """The fork's WordAlignment over a chunk, then times for words it never reached: the span from the open
    word's start (or the last boundary) to the end of the audio is shared by length (`len`, UTF-16 units) among
    the open word and the unreached ones, marked estimated. Events: (phase, word, time, estimated)."""
    audio_end = len(frame_scores) * frame_size / sample_rate
    words = [i for i, u in enumerate(units) if u["is_word"]]
    events, nxt, open_ = [], 0, None

    def open_next(t):
        nonlocal nxt, open_
        events.append(("start", nxt, t, False))
        open_, nxt = nxt, nxt + 1

    def close(t, estimated=False):
        nonlocal open_
        events.append(("end", open_, t, estimated))
        open_ = None

    for f, scores in enumerate(frame_scores):
        t = f * frame_size / sample_rate
        if not voiced[f]:
            if open_ is None:
                continue
            cur = words[open_]
            later = scores[cur + 1:]
            should_close = len(later) > 0 and float(later.max()) > float(scores[cur])
            final = open_ == len(words) - 1
            real_punct_after = any(not u["is_word"] and not u["synthetic"] for u in units[cur + 1:])
            if should_close or (final and not real_punct_after):
                close(t)
            continue
        if open_ is None:
            if nxt < len(words):
                open_next(t)
            continue
        if nxt >= len(words):
            continue
        cur = words[open_]
        s = float(scores[cur])
        dominates = float(scores[words[nxt]]) > s or (
            s < NON_NEXT_THRESHOLD and any(float(scores[u]) > s for u in words[nxt + 1:]))
        if dominates:
            close(t)
            open_next(t)

    unreached = list(range(nxt, len(words)))
    if not unreached:
        if open_ is not None:
            close(audio_end)
        return events
    share = ([open_] if open_ is not None else []) + unreached
    t0 = next(e[2] for e in reversed(events) if e[:2] == ("start", open_)) if open_ is not None else (events[-1][2] if events else 0.0)
    lengths = [max(1, units[words[w]]["len"]) for w in share]
    total, acc = sum(lengths), 0
    for w, n in zip(share, lengths):
        start = t0 + (audio_end - t0) * acc / total
        acc += n
        end = t0 + (audio_end - t0) * acc / total
        if w != open_:
            events.append(("start", w, start, True))
        events.append(("end", w, end, True))
    return events


# ---------------------------------------------------------------- reference files

def write_word_reference(out_dir, name, text, sp, flow_lm, mimi, voice, max_tokens, heads):
    """Runs the reference loop with the capture on and writes units, token->unit maps, per-frame scores,
    voiced flags and word events per chunk (offsets in UTF-16 code units, times in seconds from the chunk's
    audio start)."""
    import numpy as np

    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    chunk_texts = split_into_best_sentences(sp, text, max_tokens)
    units_per_chunk = chunk_units(text, chunk_texts)
    src16 = _utf16(text)
    voice_positions = int(voice[0][1][0])
    chunks = []
    for i, (ct, units) in enumerate(zip(chunk_texts, units_per_chunk)):
        c16 = _utf16(ct)
        for u in units:
            u["len"] = c16[u["e"]] - c16[u["b"]]
        mapping, ids = token_to_unit(sp, ct, units)
        assert ids == sp.encode(ct, out_type=int)
        cap = AttentionCapture(flow_lm, heads, voice_positions, voice_positions + len(ids), mapping)
        try:
            r = generate_chunk(flow_lm, mimi, voice, ids, frames_after_eos_for(ct), capture=cap)
        finally:
            cap.remove()
        n = r["frames_emitted"]
        frames = [r["pcm"][f * mimi.cfg.frame_size:(f + 1) * mimi.cfg.frame_size] for f in range(n)]
        voiced = [is_voiced(x) for x in frames]
        scores = np.stack(cap.frames).astype(np.float32) if n else np.zeros((0, len(units)), np.float32)
        events = align(units, [torch.from_numpy(s) for s in scores], voiced, mimi.cfg.frame_size, mimi.cfg.sample_rate)
        np.save(os.path.join(d, f"chunk{i}_scores.npy"), scores)
        np.save(os.path.join(d, f"chunk{i}_token_to_unit.npy"), mapping.numpy().astype(np.float32))
        words = [u for u in units if u["is_word"]]
        chunks.append({
            "text": ct, "token_ids": ids, "frames": n, "voiced": voiced,
            "units": [{"chunk_start": c16[u["b"]], "chunk_end": c16[u["e"]], "is_word": u["is_word"],
                       "synthetic": u["synthetic"],
                       **({"source_start": src16[u["src"][0]], "source_end": src16[u["src"][1]]} if u["src"] else {})}
                      for u in units],
            "events": [{"phase": p, "word": w, "time": t, "estimated": est,
                        "source_start": src16[words[w]["src"][0]], "source_end": src16[words[w]["src"][1]]}
                       for p, w, t, est in events],
        })
    info = {"text": text, "heads": [{"layer": l, "head": h} for l, h in heads],
            "chunks": chunks, "params": {"temperature": 0.0, "lsd_decode_steps": 1, "max_tokens_per_chunk": max_tokens,
                                         "produced_by": "models/pocket_ref/timestamps.py (PyTorch, not onnxruntime)"}}
    with open(os.path.join(d, "info.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=1, ensure_ascii=False)
    return {"chunks": len(chunks), "words": sum(sum(u["is_word"] for u in c["units"]) for c in chunks),
            "estimated_marks": sum(e["estimated"] for c in chunks for e in c["events"])}
