/**
 * Remembers recent webhook delivery ids so a redelivered webhook (sender retry, replay) is processed once.
 * In memory only, on purpose: a redelivery after a restart is processed again, which is harmless (a push
 * refresh whose head was already processed returns `up_to_date` without a write; a PR check re-runs and
 * edits the same status and comment), while persisting would add a store write (a full rewrite of the
 * lowdb file) to every webhook.
 */
export class DeliveryDedupe {
  private readonly seen = new Set<string>();

  constructor(private readonly size = 10_000) {}

  /** Whether the id was already accepted; ids are namespaced by provider. */
  has(provider: string, id: string | undefined): boolean {
    return id !== undefined && this.seen.has(`${provider}:${id}`);
  }

  /** Call once the delivery was accepted: one refused with 503 must be processed when the sender retries it. */
  remember(provider: string, id: string | undefined): void {
    if (!id) return;
    this.seen.add(`${provider}:${id}`);
    if (this.seen.size > this.size) this.seen.delete(this.seen.values().next().value!);
  }
}
