/**
 * Tells open pages that what they show has changed, so htmx re-fetches just that part (server-sent events).
 * netsync's store has no change notifications, so one shared poller per feed reads the current version of
 * what the pages show (liveVersion.ts), compares it with the one each listener last saw, and runs only
 * while a page listens.
 */
export type FeedListener = (event: string) => void;

export class ChangeFeed {
  /** Each listener with the version it last saw (undefined: none yet; the next check sets it quietly). */
  private readonly listeners = new Map<FeedListener, string | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  /** `event` is what listeners are told; `readVersion` the version of what the pages show, now. */
  constructor(
    private readonly event: string,
    private readonly readVersion: () => Promise<string>,
    private readonly intervalMs = 1000,
  ) {}

  /**
   * `seen` is the version the page was rendered with: if what it shows has moved on since, the listener hears
   * about it on the first check, which runs at once. Without it, the listener hears only of later changes.
   */
  subscribe(listener: FeedListener, seen?: string): () => void {
    this.listeners.set(listener, seen);
    if (!this.timer) {
      this.timer = setInterval(() => void this.check(), this.intervalMs);
      this.timer.unref();
    }
    void this.check();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Compares the current version with what each listener has seen and tells those that are behind. */
  check(): Promise<void> {
    // One read at a time: a check asked for meanwhile makes the running one read once more before it resolves.
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.compare();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async compare(): Promise<void> {
    if (this.listeners.size === 0) return;
    let version: string;
    try {
      version = await this.readVersion();
    } catch {
      return; // A failed read is tried again on the next check; pages keep what they show.
    }
    for (const [listener, seen] of this.listeners) {
      if (seen === version) continue;
      this.listeners.set(listener, version);
      if (seen !== undefined) listener(this.event);
    }
  }
}
