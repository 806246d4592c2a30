/**
 * Prometheus metrics (prom-client), one registry per daemon. Device and job
 * figures are computed from the store at scrape time, so /metrics is right
 * even between sweeps and straight after a restart; counters count what this
 * process did (sweeps, notifications, passive writes, webhook deliveries).
 * prom-client is loaded on the first scrape (a daemon nobody scrapes does not hold it); until then the
 * counters are plain tallies, which the registry's counters report from then on. Process metrics (CPU,
 * memory, event-loop lag) start with the first scrape too.
 */
import type * as PromClientModule from 'prom-client';
import type { Registry } from 'prom-client';
import { DEVICE_STATES } from '../model/device.ts';
import type { Clock } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import type { RejectedHead, Thresholds } from './evaluate.ts';
import { STATE_CODE, evaluateUnsynced } from './evaluate.ts';
import type { DeliveryOutcome } from './notifications.ts';
import type { SinkOutcome } from './passive.ts';

type Labels<N extends string> = readonly N[];
interface MetricDefinition {
  type: 'gauge' | 'counter';
  name: string;
  help: string;
  labelNames?: Labels<string>;
}

/** Every metric netsync exports besides prom-client's default process metrics; docs/reference/metrics.md is generated from it. */
export const METRIC_DEFINITIONS = {
  devices: { type: 'gauge', name: 'netsync_devices', help: 'Devices in the inventory by state and sync status.', labelNames: ['state', 'synchronized'] },
  unsynchronized: { type: 'gauge', name: 'netsync_devices_unsynchronized', help: 'MANAGED devices that are unsynchronized.' },
  unsyncedSeconds: {
    type: 'gauge',
    name: 'netsync_device_unsynchronized_seconds',
    help: 'Seconds each unsynchronized MANAGED device has been unsynchronized (from the persisted unsyncedSince).',
    labelNames: ['hostname'],
  },
  oldest: {
    type: 'gauge',
    name: 'netsync_unsynchronized_oldest_seconds',
    help: 'Age of the longest-unsynchronized MANAGED device; 0 when all are synchronized.',
  },
  repoHeadRejected: {
    type: 'gauge',
    name: 'netsync_repo_head_rejected_seconds',
    help: 'Seconds since a repo head was first rejected (devices run on its known-good commit); no series while the head is accepted.',
    labelNames: ['repo'],
  },
  alarmState: { type: 'gauge', name: 'netsync_alarm_state', help: 'The unsynced alarm as a Monitoring Plugins state: 0 OK, 1 WARNING, 2 CRITICAL.' },
  thresholds: { type: 'gauge', name: 'netsync_alarm_threshold_seconds', help: 'Configured unsynced alarm thresholds.', labelNames: ['level'] },
  jobs: { type: 'gauge', name: 'netsync_jobs', help: 'Jobs in the store by kind and status.', labelNames: ['kind', 'status'] },
  sweeps: { type: 'counter', name: 'netsync_alarm_sweeps_total', help: 'Alarm sweeps run.', labelNames: ['outcome'] },
  lastSweep: { type: 'gauge', name: 'netsync_alarm_last_sweep_timestamp_seconds', help: 'When the last alarm sweep finished.' },
  notifications: {
    type: 'counter',
    name: 'netsync_alarm_notifications_total',
    help: 'Notification webhook POSTs by target and outcome.',
    labelNames: ['target', 'kind', 'outcome'],
  },
  passive: {
    type: 'counter',
    name: 'netsync_alarm_passive_results_total',
    help: 'Passive check results offered to the Nagios command file, by outcome (written, no-reader, missing, error).',
    labelNames: ['outcome'],
  },
  webhooks: {
    type: 'counter',
    name: 'netsync_webhook_deliveries_total',
    help: 'Git provider webhook deliveries received, by provider and the HTTP status answered.',
    labelNames: ['provider', 'status'],
  },
} as const satisfies Record<string, MetricDefinition>;

type Snapshot = ReturnType<typeof evaluateUnsynced> & { byState: Map<string, number> };

/** One store read per scrape feeds every device gauge (they collect concurrently); dropped before the next scrape. */
function snapshotReader(store: Store, thresholds: Thresholds, clock: Clock, rejectedHeads: () => Promise<RejectedHead[]>): () => Promise<Snapshot> {
  let snapshot: Promise<Snapshot> | undefined;
  return () => {
    snapshot ??= Promise.all([store.listDevices(), rejectedHeads()]).then(([devices, heads]) => {
      const byState = new Map<string, number>();
      for (const d of devices) byState.set(`${d.state}|${d.synchronized}`, (byState.get(`${d.state}|${d.synchronized}`) ?? 0) + 1);
      return { ...evaluateUnsynced(devices, thresholds, clock(), heads), byState };
    });
    void snapshot.finally(() => setTimeout(() => (snapshot = undefined), 0)).catch(() => undefined);
    return snapshot;
  };
}

type PromClient = typeof PromClientModule;

function registerDeviceGauges({ Gauge }: PromClient, registers: Registry[], current: () => Promise<Snapshot>): void {
  const M = METRIC_DEFINITIONS;
  new Gauge({
    ...M.devices,
    labelNames: [...M.devices.labelNames],
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
    ...M.unsynchronized,
    registers,
    async collect() {
      this.set((await current()).unsynchronized);
    },
  });
  new Gauge({
    ...M.unsyncedSeconds,
    labelNames: [...M.unsyncedSeconds.labelNames],
    registers,
    async collect() {
      const report = await current();
      this.reset();
      for (const d of report.devices) this.set({ hostname: d.hostname }, d.ageSeconds);
    },
  });
  new Gauge({
    ...M.oldest,
    registers,
    async collect() {
      this.set((await current()).oldestSeconds);
    },
  });
  new Gauge({
    ...M.repoHeadRejected,
    labelNames: [...M.repoHeadRejected.labelNames],
    registers,
    async collect() {
      const report = await current();
      this.reset();
      for (const r of report.rejectedRepos) this.set({ repo: r.repo }, r.ageSeconds);
    },
  });
  new Gauge({
    ...M.alarmState,
    registers,
    async collect() {
      this.set(STATE_CODE[(await current()).state]);
    },
  });
}

function registerJobGauge({ Gauge }: PromClient, registers: Registry[], store: Store): void {
  new Gauge({
    ...METRIC_DEFINITIONS.jobs,
    labelNames: [...METRIC_DEFINITIONS.jobs.labelNames],
    registers,
    async collect() {
      this.reset();
      // Counted where the records are (readRecords): a scrape copies no job and none of its diffs.
      const counts = await store.readRecords('jobs', (jobs) => {
        const byKey = new Map<string, number>();
        for (const j of jobs) byKey.set(`${j.kind}|${j.status}`, (byKey.get(`${j.kind}|${j.status}`) ?? 0) + 1);
        return byKey;
      });
      for (const [key, n] of counts) {
        const [kind, status] = key.split('|') as [string, string];
        this.set({ kind, status }, n);
      }
    },
  });
}

/** A counter's values by label set, kept without prom-client until the first scrape. */
class Tally<L extends string> {
  readonly values = new Map<string, { labels: Partial<Record<L, string>>; value: number }>();

  inc(labels: Partial<Record<L, string>>): void {
    const key = JSON.stringify(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += 1;
    else this.values.set(key, { labels, value: 1 });
  }
}

/** A counter that reports a tally at each scrape. */
function tallyCounter<N extends string>(
  { Counter }: PromClient,
  def: { name: string; help: string; labelNames: Labels<N> },
  registers: Registry[],
  tally: Tally<N>,
): void {
  new Counter({
    name: def.name,
    help: def.help,
    labelNames: [...def.labelNames],
    registers,
    collect() {
      this.reset();
      for (const { labels, value } of tally.values.values()) this.inc(labels, value);
    },
  });
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
    const pc = await import('prom-client');
    const registry = new pc.Registry();
    const registers = [registry];
    const M = METRIC_DEFINITIONS;
    pc.collectDefaultMetrics({ register: registry, prefix: 'netsync_' });
    registerDeviceGauges(pc, registers, snapshotReader(this.store, this.thresholds, this.clock, this.rejectedHeads));
    const thresholdGauge = new pc.Gauge({ ...M.thresholds, labelNames: [...M.thresholds.labelNames], registers });
    thresholdGauge.set({ level: 'warning' }, this.thresholds.warningSeconds);
    thresholdGauge.set({ level: 'critical' }, this.thresholds.criticalSeconds);
    registerJobGauge(pc, registers, this.store);
    tallyCounter(pc, M.sweeps, registers, this.sweeps);
    const lastSweepAt = () => this.lastSweepAt;
    new pc.Gauge({
      ...M.lastSweep,
      registers,
      collect() {
        const at = lastSweepAt();
        if (at !== undefined) this.set(at);
      },
    });
    tallyCounter(pc, M.notifications, registers, this.notifications);
    tallyCounter(pc, M.passive, registers, this.passive);
    tallyCounter(pc, M.webhooks, registers, this.webhooks);
    return registry;
  }
}
