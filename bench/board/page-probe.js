// Runs in the board page before its own scripts: frame times, long tasks, and change-to-screen
// latency (from each event's server timestamp to the frame after the board applied it).
(() => {
  const bench = { frames: [], longTasks: [], latencies: [], recording: false, isolated: window.crossOriginIsolated };
  window.__bench = bench;
  window.__checkoutPulseApplied = true;
  let last = 0;
  const loop = (t) => {
    if (bench.recording && last) bench.frames.push(t - last);
    last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  new PerformanceObserver((list) => {
    if (bench.recording) for (const entry of list.getEntries()) bench.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: false });
  addEventListener('checkout-pulse:painted', (event) => {
    if (!bench.recording) return;
    const now = Date.now();
    for (const at of event.detail) bench.latencies.push(now - Date.parse(at));
  });
})();
