"""Text preparation and chunking, ported from the official tts_model.py (spec §4.2-4.3)."""
import logging

log = logging.getLogger(__name__)


def prepare_text_prompt(text, pad_with_spaces_for_short_inputs=False, remove_semicolons=False):
    text = text.strip()
    if text == "":
        raise ValueError("Text prompt cannot be empty")
    # A single pass of "  " -> " ": runs of 3+ spaces survive, on purpose (reference quirk).
    text = text.replace("\n", " ").replace("\r", " ").replace("  ", " ")
    if remove_semicolons:
        text = text.replace(";", ",")
    frames_after_eos_guess = 3 if len(text.split()) <= 4 else 1
    if not text[0].isupper():
        text = text[0].upper() + text[1:]
    if text[-1].isalnum():
        text = text + "."
    if pad_with_spaces_for_short_inputs and len(text.split()) < 5:
        text = " " * 8 + text
    return text, frames_after_eos_guess


def _boundaries(tokens, boundary_tokens):
    idx, prev = [0], False
    for i, t in enumerate(tokens):
        if t in boundary_tokens:
            prev = True
        else:
            if prev:
                idx.append(i)
            prev = False
    idx.append(len(tokens))
    return idx


def _segments(tokens, bounds, sp):
    return [(b - a, sp.decode(tokens[a:b])) for a, b in zip(bounds, bounds[1:])]


def split_into_best_sentences(sp, text, max_tokens, pad_with_spaces_for_short_inputs=False,
                              remove_semicolons=False):
    text, _ = prepare_text_prompt(text, pad_with_spaces_for_short_inputs, remove_semicolons)
    tokens = sp.encode(text.strip(), out_type=int)
    # First id dropped: it is the bare "▁" piece that SentencePiece puts before ".".
    _, *sentence_ends = sp.encode(".!...?", out_type=int)
    segs = _segments(tokens, _boundaries(tokens, sentence_ends), sp)
    _, *fallback = sp.encode(",;:", out_type=int)
    refined = []
    for n, s in segs:
        if n <= max_tokens:
            refined.append((n, s))
            continue
        sub_tokens = sp.encode(s.strip(), out_type=int)
        sub = _segments(sub_tokens, _boundaries(sub_tokens, fallback), sp)
        refined.extend(sub if len(sub) > 1 else [(n, s)])
    chunks, cur, cur_n = [], "", 0
    for n, s in refined:
        if cur == "":
            cur, cur_n = s, n
            continue
        if cur_n + n > max_tokens:
            chunks.append(cur.strip())
            cur, cur_n = s, n
        else:
            cur += " " + s
            cur_n += n
    if cur != "":
        chunks.append(cur.strip())
    for c in chunks:
        n = len(sp.encode(c.strip(), out_type=int))
        if n > max_tokens:
            log.warning("Chunk has %d tokens (max %d): %.50s", n, max_tokens, c)
    return chunks
