/**
 * Calls `act(i)` for i = 0, 1, … at a steady `ratePerSecond` for `durationMs` (in timer ticks of
 * `tickMs`, each catching up on what is due), and resolves with how many calls it made.
 */
export function paced(ratePerSecond: number, durationMs: number, act: (i: number) => void, tickMs = 10): Promise<number> {
  const started = performance.now();
  let made = 0;
  return new Promise((done) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= durationMs) {
        clearInterval(timer);
        done(made);
        return;
      }
      const due = Math.floor((elapsed / 1000) * ratePerSecond) - made;
      for (let k = 0; k < due; k++) act(made++);
    }, tickMs);
  });
}
