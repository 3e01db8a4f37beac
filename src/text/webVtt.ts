/**
 * WebVTT captions: one cue per sentence, with each word's start as a cue timestamp inside the cue text
 * (`The <00:00:01.240>quick <00:00:01.480>fox.`), which players use for karaoke-style highlighting.
 */

export interface CaptionWord {
  /** Offsets into the cue text. */
  start: number;
  /** Seconds from the start of the audio file. */
  time: number;
}

export interface Cue {
  start: number;
  end: number;
  text: string;
  words: readonly CaptionWord[];
}

/** hh:mm:ss.ttt */
export function vttTime(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The cue text with word timestamps; a timestamp must fall strictly inside the cue and after the previous one. */
function cueText(cue: Cue): string {
  const parts: string[] = [];
  let last = 0;
  let lastMs = Math.round(cue.start * 1000);
  const endMs = Math.round(cue.end * 1000);
  for (const w of [...cue.words].sort((a, b) => a.start - b.start)) {
    const ms = Math.round(w.time * 1000);
    if (w.start < last || ms <= lastMs || ms >= endMs) continue;
    parts.push(escape(cue.text.slice(last, w.start)), `<${vttTime(ms / 1000)}>`);
    last = w.start;
    lastMs = ms;
  }
  parts.push(escape(cue.text.slice(last)));
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** A complete WebVTT file; cues without duration or text are left out. */
export function formatWebVtt(cues: readonly Cue[]): string {
  const blocks = cues
    .filter((c) => Math.round(c.end * 1000) > Math.round(c.start * 1000) && c.text.trim() !== '')
    .map((c, i) => `${i + 1}\n${vttTime(c.start)} --> ${vttTime(c.end)}\n${cueText(c)}`);
  return ['WEBVTT', ...blocks].join('\n\n') + '\n';
}
