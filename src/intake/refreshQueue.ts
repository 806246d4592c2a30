/**
 * One refresh at a time per repo. Requests that arrive while one is waiting are merged into it (the waiting
 * refresh will fetch the newest head anyway), so a burst of pushes costs one extra run, not one per push.
 * Bounded: more than `capacity` waiting callers is refused (the webhook answers 503 and the sender retries).
 */
import { NetsyncError } from '../model/errors.ts';

export class RefreshQueue<K extends string, R> {
  private readonly running = new Map<K, Promise<R>>();
  private readonly waiting = new Map<K, { promise: Promise<R>; triggers: string[] }>();
  private waiters = 0;

  constructor(
    private readonly run: (key: K, triggers: string[]) => Promise<R>,
    private readonly capacity: number,
  ) {}

  enqueue(key: K, trigger: string): Promise<R> {
    const pending = this.waiting.get(key);
    if (pending) {
      pending.triggers.push(trigger);
      return pending.promise;
    }
    if (this.waiters >= this.capacity) {
      throw new NetsyncError('UNAVAILABLE', `the refresh queue is full (${this.capacity}); retry later`, { capacity: this.capacity });
    }
    this.waiters++;
    const triggers = [trigger];
    const previous = this.running.get(key) ?? Promise.resolve();
    const promise = previous
      .catch(() => undefined)
      .then(() => {
        this.waiting.delete(key);
        this.waiters--;
        const current = this.run(key, triggers);
        this.running.set(key, current);
        void current
          .finally(() => {
            if (this.running.get(key) === current) this.running.delete(key);
          })
          .catch(() => undefined);
        return current;
      });
    this.waiting.set(key, { promise, triggers });
    return promise;
  }

  /** Resolves when nothing is running or waiting (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.waiting.size > 0 || this.running.size > 0) {
      await Promise.allSettled([...this.waiting.values()].map((w) => w.promise).concat([...this.running.values()]));
    }
  }
}
