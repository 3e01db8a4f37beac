// Estimates which sample is being heard. External players report no position, so the clock runs on wall time from
// an anchor ("sample S is heard at time T"); the sink re-anchors on start, after an underrun and on resume, and
// clamps the estimate to what the player has actually been given.
export class PlaybackClock {
  private anchorSample = 0;
  private anchorMs: number | undefined;
  private held = 0;

  constructor(
    readonly sampleRate: number,
    /** Delay between handing a sample to the player and hearing it. */
    public latencyMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get running(): boolean {
    return this.anchorMs !== undefined;
  }

  /** `sample` will be heard `delayMs` from now, and the clock advances in real time from then on. */
  startAt(sample: number, delayMs = this.latencyMs): void {
    this.anchorSample = sample;
    this.anchorMs = this.now() + delayMs;
  }

  /** Stop advancing at `sample` (pause, stop, end). */
  hold(sample: number): void {
    this.held = sample;
    this.anchorMs = undefined;
  }

  /** Unbounded estimate; callers clamp it to the samples the player has received. */
  raw(): number {
    if (this.anchorMs === undefined) return this.held;
    return this.anchorSample + (Math.max(0, this.now() - this.anchorMs) * this.sampleRate) / 1000;
  }

  get latencySamples(): number {
    return (this.latencyMs * this.sampleRate) / 1000;
  }
}
