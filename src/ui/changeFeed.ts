/**
 * Tells open pages that something they show has changed, so htmx re-fetches just that part (server-sent
 * events). netsync's store has no change notifications, so one shared poller compares a cheap fingerprint
 * (per device: state, sync flag, last update) and runs only while a page listens.
 */
import type { Store } from '../model/store.ts';

export type FeedListener = (event: string) => void;

export class ChangeFeed {
  private readonly listeners = new Set<FeedListener>();
  private timer: NodeJS.Timeout | undefined;
  private last: string | undefined;
  private busy = false;

  constructor(
    private readonly store: Store,
    private readonly intervalMs = 1000,
  ) {}

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.last = undefined;
      }
    };
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const fingerprint = await this.store.readDevices((devices) => devices.map((d) => `${d.hostname}|${d.state}|${d.synchronized}|${d.updatedAt}`).join('\n'));
      if (this.last !== undefined && fingerprint !== this.last) for (const l of this.listeners) l('devices');
      this.last = fingerprint;
    } catch {
      // A failed read is tried again on the next tick; pages keep what they show.
    } finally {
      this.busy = false;
    }
  }
}
