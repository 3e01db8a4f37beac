// Plays the PCM the extension sends, one stream at a time, and counts what really reached the output: the samples
// it copied out (never the silence it fills in while starved), their peak and RMS. That count is the clock the
// extension's highlight and status bar follow. It runs only while the AudioContext runs, so a paused (suspended)
// context stops the clock with it.
const REPORT_EVERY = 1024; // samples of output time between reports (~43 ms at 24 kHz)

class PocketReaderPcm extends AudioWorkletProcessor {
  constructor() {
    super();
    this.open(0);
    this.port.onmessage = (e) => this.receive(e.data);
  }

  open(stream) {
    this.stream = stream;
    this.chunks = [];
    this.offset = 0;
    this.played = 0;
    this.peak = 0;
    this.sumSquares = 0;
    this.ending = false;
    this.ended = false;
    this.sinceReport = 0;
    this.reported = -1;
  }

  receive(m) {
    if (m.type === 'open') return this.open(m.stream);
    if (m.stream !== this.stream) return; // a late message for a stream that was replaced
    if (m.type === 'pcm') this.chunks.push(m.pcm);
    else if (m.type === 'end') this.ending = true;
    else if (m.type === 'stop') {
      this.chunks = [];
      this.offset = 0;
      this.ending = true;
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    let i = 0;
    while (i < out.length && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const n = Math.min(out.length - i, chunk.length - this.offset);
      for (let k = 0; k < n; k++) {
        const v = chunk[this.offset + k];
        out[i + k] = v;
        const a = v < 0 ? -v : v;
        if (a > this.peak) this.peak = a;
        this.sumSquares += v * v;
      }
      i += n;
      this.offset += n;
      if (this.offset >= chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    out.fill(0, i);
    this.played += i;
    this.sinceReport += out.length;
    const drained = this.ending && this.chunks.length === 0;
    if (drained && !this.ended) {
      this.ended = true;
      this.report();
    } else if (this.sinceReport >= REPORT_EVERY && this.played !== this.reported) {
      this.report();
    }
    return true;
  }

  report() {
    this.sinceReport = 0;
    this.reported = this.played;
    const rms = this.played > 0 ? Math.sqrt(this.sumSquares / this.played) : 0;
    this.port.postMessage({ stream: this.stream, played: this.played, peak: this.peak, rms, ended: this.ended });
  }
}

registerProcessor('pocket-reader-pcm', PocketReaderPcm);
