/**
 * Prometheus metrics (prom-client), one registry per daemon. Device and job
 * figures are computed from the store at scrape time, so /metrics is right
 * even between sweeps and straight after a restart; counters count what this
 * process did (sweeps, notifications, passive writes, webhook deliveries).
 * prom-client is loaded on the first scrape (a daemon nobody scrapes does not hold it); until then the
 * counters are plain tallies, which the registry's counters report from then on. Process metrics (CPU,
 * memory, event-loop lag) start with the first scrape too.
 */
import type { Registry } from 'prom-client';
import { DEVICE_STATES } from '../model/device.ts';
import type { Clock } from '../model/ports.ts';
import type { Store } from '../store/store.ts';
import type { RejectedHead, Thresholds } from './evaluate.ts';
import { STATE_CODE, evaluateUnsynced } from './evaluate.ts';
import type { DeliveryOutcome } from './notifications.ts';
import type { SinkOutcome } from './passive.ts';

/** A counter's values by label set, kept without prom-client. */
class Tally<L extends string> {
  readonly values = new Map<string, { labels: Partial<Record<L, string>>; value: number }>();

  inc(labels: Partial<Record<L, string>>): void {
    const key = JSON.stringify(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += 1;
    else this.values.set(key, { labels, value: 1 });
  }
}

export class NetsyncMetrics {
  private registry: Promise<Registry> | undefined;
  private readonly sweeps = new Tally<'outcome'>();
  private lastSweepAt: number | undefined;
  private readonly notifications = new Tally<'target' | 'kind' | 'outcome'>();
  private readonly passive = new Tally<'outcome'>();
  private readonly webhooks = new Tally<'provider' | 'status'>();
  private loadedContentType = 'text/plain; version=0.0.4; charset=utf-8';

  constructor(
    private readonly store: Store,
    private readonly thresholds: Thresholds,
    private readonly clock: Clock,
    private readonly rejectedHeads: () => Promise<RejectedHead[]> = async () => [],
  ) {}

  sweepFinished(ok: boolean, at: Date): void {
    this.sweeps.inc({ outcome: ok ? 'ok' : 'error' });
    this.lastSweepAt = at.getTime() / 1000;
  }

  notificationsSent(outcomes: readonly DeliveryOutcome[]): void {
    for (const o of outcomes) this.notifications.inc({ target: o.target, kind: o.kind, outcome: o.ok ? 'sent' : 'failed' });
  }

  passiveResult(outcome: SinkOutcome | 'error'): void {
    this.passive.inc({ outcome });
  }

  /** One webhook delivery and the status it was answered with. */
  webhookReceived(provider: string, status: number): void {
    this.webhooks.inc({ provider, status: String(status) });
  }

  /** The exposition format's content type (the registry's, once loaded). */
  contentType(): string {
    return this.loadedContentType;
  }

  async text(): Promise<string> {
    this.registry ??= this.build();
    const registry = await this.registry;
    this.loadedContentType = registry.contentType;
    return registry.metrics();
  }

  private async build(): Promise<Registry> {
    const { Counter, Gauge, Registry, collectDefaultMetrics } = await import('prom-client');
    const { store, thresholds, clock, rejectedHeads } = this;
    const registry = new Registry();
    const registers = [registry];
    collectDefaultMetrics({ register: registry, prefix: 'netsync_' });

    // One store read per scrape feeds every device gauge.
    let snapshot: Promise<ReturnType<typeof evaluateUnsynced> & { byState: Map<string, number> }> | undefined;
    const current = () => {
      snapshot ??= Promise.all([store.listDevices(), rejectedHeads()]).then(([devices, heads]) => {
        const byState = new Map<string, number>();
        for (const d of devices) byState.set(`${d.state}|${d.synchronized}`, (byState.get(`${d.state}|${d.synchronized}`) ?? 0) + 1);
        return { ...evaluateUnsynced(devices, thresholds, clock(), heads), byState };
      });
      // Shared by the gauges of this scrape (they collect concurrently), dropped before the next one.
      void snapshot.finally(() => setTimeout(() => (snapshot = undefined), 0)).catch(() => undefined);
      return snapshot;
    };
    new Gauge({
      name: 'netsync_devices',
      help: 'Devices in the inventory by state and sync status.',
      labelNames: ['state', 'synchronized'],
      registers,
      async collect() {
        const { byState } = await current();
        this.reset();
        for (const state of DEVICE_STATES) {
          for (const synced of [true, false]) this.set({ state, synchronized: String(synced) }, byState.get(`${state}|${synced}`) ?? 0);
        }
      },
    });
    new Gauge({
      name: 'netsync_devices_unsynchronized',
      help: 'MANAGED devices that are unsynchronized.',
      registers,
      async collect() {
        this.set((await current()).unsynchronized);
      },
    });
    new Gauge({
      name: 'netsync_device_unsynchronized_seconds',
      help: 'Seconds each unsynchronized MANAGED device has been unsynchronized (from the persisted unsyncedSince).',
      labelNames: ['hostname'],
      registers,
      async collect() {
        const report = await current();
        this.reset();
        for (const d of report.devices) this.set({ hostname: d.hostname }, d.ageSeconds);
      },
    });
    new Gauge({
      name: 'netsync_unsynchronized_oldest_seconds',
      help: 'Age of the longest-unsynchronized MANAGED device; 0 when all are synchronized.',
      registers,
      async collect() {
        this.set((await current()).oldestSeconds);
      },
    });
    new Gauge({
      name: 'netsync_repo_head_rejected_seconds',
      help: 'Seconds since a repo head was first rejected (devices run on its known-good commit); no series while the head is accepted.',
      labelNames: ['repo'],
      registers,
      async collect() {
        const report = await current();
        this.reset();
        for (const r of report.rejectedRepos) this.set({ repo: r.repo }, r.ageSeconds);
      },
    });
    new Gauge({
      name: 'netsync_alarm_state',
      help: 'The unsynced alarm as a Monitoring Plugins state: 0 OK, 1 WARNING, 2 CRITICAL.',
      registers,
      async collect() {
        this.set(STATE_CODE[(await current()).state]);
      },
    });
    const thresholdGauge = new Gauge({
      name: 'netsync_alarm_threshold_seconds',
      help: 'Configured unsynced alarm thresholds.',
      labelNames: ['level'],
      registers,
    });
    thresholdGauge.set({ level: 'warning' }, thresholds.warningSeconds);
    thresholdGauge.set({ level: 'critical' }, thresholds.criticalSeconds);
    new Gauge({
      name: 'netsync_jobs',
      help: 'Jobs in the store by kind and status.',
      labelNames: ['kind', 'status'],
      registers,
      async collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const j of await store.listRecords('jobs')) counts.set(`${j.kind}|${j.status}`, (counts.get(`${j.kind}|${j.status}`) ?? 0) + 1);
        for (const [key, n] of counts) {
          const [kind, status] = key.split('|') as [string, string];
          this.set({ kind, status }, n);
        }
      },
    });
    // The tallies as counters: each scrape reports what they hold.
    const counter = <L extends string>(name: string, help: string, labelNames: L[], tally: Tally<L>) =>
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const { labels, value } of tally.values.values()) this.inc(labels, value);
        },
      });
    counter('netsync_alarm_sweeps_total', 'Alarm sweeps run.', ['outcome'], this.sweeps);
    const lastSweepAt = () => this.lastSweepAt;
    new Gauge({
      name: 'netsync_alarm_last_sweep_timestamp_seconds',
      help: 'When the last alarm sweep finished.',
      registers,
      collect() {
        const at = lastSweepAt();
        if (at !== undefined) this.set(at);
      },
    });
    counter('netsync_alarm_notifications_total', 'Notification webhook POSTs by target and outcome.', ['target', 'kind', 'outcome'], this.notifications);
    counter('netsync_alarm_passive_results_total', 'Passive check results offered to the Nagios command file, by outcome (written, no-reader, missing, error).', ['outcome'], this.passive);
    counter('netsync_webhook_deliveries_total', 'Git provider webhook deliveries received, by provider and the HTTP status answered.', ['provider', 'status'], this.webhooks);
    return registry;
  }
}
