/**
 * Tells open pages that the inventory has changed, so htmx re-fetches just that part (server-sent events).
 * netsync's store has no change notifications, so one shared poller compares the inventory's version
 * (liveVersion.ts) with the one each listener last saw, and runs only while a page listens.
 */
import type { Store } from '../store/store.ts';
import { inventoryVersion } from './liveVersion.ts';

export type FeedListener = (event: 'devices') => void;

export class ChangeFeed {
  /** Each listener with the version it last saw (undefined: none yet; the next check sets it quietly). */
  private readonly listeners = new Map<FeedListener, string | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly intervalMs = 1000,
  ) {}

  /**
   * `seen` is the version the page was rendered with: if the inventory has moved on since, the listener hears
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

  /** Compares the inventory with what each listener has seen and tells those that are behind. */
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
      version = await this.store.readDevices(inventoryVersion);
    } catch {
      return; // A failed read is tried again on the next check; pages keep what they show.
    }
    for (const [listener, seen] of this.listeners) {
      if (seen === version) continue;
      this.listeners.set(listener, version);
      if (seen !== undefined) listener('devices');
    }
  }
}
