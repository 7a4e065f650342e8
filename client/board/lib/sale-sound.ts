/** A short two-note chime for each sale, opt-in (browsers only play sound after a gesture anyway). */
export class SaleSound {
  private context: AudioContext | undefined;

  constructor(public enabled: boolean) {}

  /** Switches the sound; the click that switches it on also unlocks audio. */
  toggle(): boolean {
    this.enabled = !this.enabled;
    if (this.enabled) {
      this.context ??= new AudioContext();
      void this.context.resume();
      this.play();
    }
    return this.enabled;
  }

  play(): void {
    if (!this.enabled) return;
    this.context ??= new AudioContext();
    const ctx = this.context;
    if (ctx.state !== 'running') return;
    const at = ctx.currentTime;
    for (const [i, hz] of [880, 1320].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, at + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.2, at + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + i * 0.12 + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at + i * 0.12);
      osc.stop(at + i * 0.12 + 0.32);
    }
  }
}
