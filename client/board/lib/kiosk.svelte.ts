/**
 * A wall screen: full screen, the display kept awake. Browsers grant full screen only on a
 * gesture, so a kiosk that could not enter it on load asks for one click or key and enters then.
 */
export class KioskScreen {
  needsGesture = $state(false);
  private lock: WakeLockSentinel | undefined;

  constructor(private readonly enabled: boolean) {}

  /** Starts the kiosk's screen handling; returns its teardown. */
  start(): () => void {
    if (!this.enabled) return () => undefined;
    const root = document.documentElement;
    const enter = () => {
      if (document.fullscreenElement || !root.requestFullscreen) return;
      root.requestFullscreen().then(() => (this.needsGesture = false), () => (this.needsGesture = true));
    };
    const onGesture = () => enter();
    const onChange = () => (this.needsGesture = !document.fullscreenElement);
    // The lock is released whenever the page is hidden; it is asked for again when it shows.
    const awake = () => {
      if (document.visibilityState !== 'visible' || !('wakeLock' in navigator)) return;
      navigator.wakeLock.request('screen').then((lock) => (this.lock = lock), () => undefined);
    };
    enter();
    awake();
    addEventListener('pointerdown', onGesture);
    addEventListener('keydown', onGesture);
    document.addEventListener('fullscreenchange', onChange);
    document.addEventListener('visibilitychange', awake);
    return () => {
      removeEventListener('pointerdown', onGesture);
      removeEventListener('keydown', onGesture);
      document.removeEventListener('fullscreenchange', onChange);
      document.removeEventListener('visibilitychange', awake);
      void this.lock?.release().catch(() => undefined);
    };
  }
}
