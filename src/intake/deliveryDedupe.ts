/** Remembers recent webhook delivery ids so a redelivered webhook (sender retry, replay) is processed once. */
export class DeliveryDedupe {
  private readonly seen = new Set<string>();

  constructor(private readonly size = 10_000) {}

  /** True the first time an id is seen; ids are namespaced by provider. */
  firstTime(provider: string, id: string | undefined): boolean {
    if (!id) return true;
    const key = `${provider}:${id}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.size) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}
