/**
 * Refused requests (bad tokens, bad signatures, bad input) logged at a bounded rate: the first refusal of
 * a cause is logged at once, then one summary line per interval while that cause keeps coming. A flood of
 * refused requests can therefore not fill the disk with one line each.
 */
import type { Logger } from '../model/ports.ts';

export const REFUSAL_LOG_INTERVAL_MS = 60_000;

interface Window {
  count: number;
  last: Record<string, unknown>;
  timer: NodeJS.Timeout;
}

export class RefusalLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = REFUSAL_LOG_INTERVAL_MS,
  ) {}

  /** One refused request; `cause` is the error code, `sample` a few bounded fields describing it. */
  note(cause: string, sample: Record<string, unknown>, message: string): void {
    const open = this.windows.get(cause);
    if (open) {
      open.count += 1;
      open.last = sample;
      return;
    }
    this.logger.info({ cause, ...sample }, message);
    this.windows.set(cause, { count: 0, last: sample, timer: this.arm(cause) });
  }

  /** Causes whose refusals are being counted now (a cause not in it is logged at once when it comes). */
  get counting(): string[] {
    return [...this.windows.keys()];
  }

  /** Writes what is still counted (at shutdown). */
  flush(): void {
    for (const cause of [...this.windows.keys()]) this.summarize(cause, false);
  }

  private arm(cause: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.summarize(cause, true), this.intervalMs);
    timer.unref();
    return timer;
  }

  /** One line for the interval; the window stays open while refusals keep coming, so the next one is counted too. */
  private summarize(cause: string, rearm: boolean): void {
    const w = this.windows.get(cause);
    if (!w) return;
    clearTimeout(w.timer);
    if (w.count === 0) {
      this.windows.delete(cause);
      return;
    }
    this.logger.warn(
      { cause, refused: w.count, intervalSeconds: Math.round(this.intervalMs / 1000), last: w.last },
      `refused ${w.count} more request(s) with ${cause} since the last line about it`,
    );
    if (rearm) this.windows.set(cause, { count: 0, last: w.last, timer: this.arm(cause) });
    else this.windows.delete(cause);
  }
}
