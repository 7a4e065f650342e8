/** Shortest time between two applied batches: the rows change at most every other frame at 60 Hz. */
export const UPDATE_GAP_MS = 25;

/**
 * Runs each callback on the first animation frame at least `gapMs` after the previous run. Under a
 * steady stream, half the frames then carry the style, layout and paint of new rows and the others
 * only the animations; a change waits at most one frame longer to reach the screen.
 */
export function frameScheduler(gapMs: number): (fn: () => void) => number {
  let last = -Infinity;
  return (fn) => {
    const tick = (at: number) => {
      if (at - last < gapMs) return void requestAnimationFrame(tick);
      last = at;
      fn();
    };
    return requestAnimationFrame(tick);
  };
}
