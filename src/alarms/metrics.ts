/**
 * Prometheus metrics (prom-client), one registry per daemon. Device and job
 * figures are computed from the store at scrape time, so /metrics is right
 * even between sweeps and straight after a restart; counters count what this
 * process did (sweeps, notifications, passive writes, webhook deliveries).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
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
  oldest: { type: 'gauge', name: 'netsync_unsynchronized_oldest_seconds', help: 'Age of the longest-unsynchronized MANAGED device; 0 when all are synchronized.' },
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
  notifications: { type: 'counter', name: 'netsync_alarm_notifications_total', help: 'Notification webhook POSTs by target and outcome.', labelNames: ['target', 'kind', 'outcome'] },
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

function registerDeviceGauges(registers: Registry[], current: () => Promise<Snapshot>): void {
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
  new Gauge({ ...M.unsynchronized, registers, async collect() { this.set((await current()).unsynchronized); } });
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
  new Gauge({ ...M.oldest, registers, async collect() { this.set((await current()).oldestSeconds); } });
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
  new Gauge({ ...M.alarmState, registers, async collect() { this.set(STATE_CODE[(await current()).state]); } });
}

function registerJobGauge(registers: Registry[], store: Store): void {
  new Gauge({
    ...METRIC_DEFINITIONS.jobs,
    labelNames: [...METRIC_DEFINITIONS.jobs.labelNames],
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
}

function counter<N extends string>(def: { name: string; help: string; labelNames: Labels<N> }, registers: Registry[]): Counter<N> {
  return new Counter({ name: def.name, help: def.help, labelNames: [...def.labelNames], registers });
}

export class NetsyncMetrics {
  readonly registry = new Registry();
  private readonly sweeps: Counter<'outcome'>;
  private readonly lastSweep: Gauge;
  private readonly notifications: Counter<'target' | 'kind' | 'outcome'>;
  private readonly passive: Counter<'outcome'>;
  private readonly webhooks: Counter<'provider' | 'status'>;

  constructor(store: Store, thresholds: Thresholds, clock: Clock, rejectedHeads: () => Promise<RejectedHead[]> = async () => []) {
    const registers = [this.registry];
    const M = METRIC_DEFINITIONS;
    collectDefaultMetrics({ register: this.registry, prefix: 'netsync_' });
    registerDeviceGauges(registers, snapshotReader(store, thresholds, clock, rejectedHeads));
    const thresholdGauge = new Gauge({ ...M.thresholds, labelNames: [...M.thresholds.labelNames], registers });
    thresholdGauge.set({ level: 'warning' }, thresholds.warningSeconds);
    thresholdGauge.set({ level: 'critical' }, thresholds.criticalSeconds);
    registerJobGauge(registers, store);
    this.sweeps = counter(M.sweeps, registers);
    this.lastSweep = new Gauge({ ...M.lastSweep, registers });
    this.notifications = counter(M.notifications, registers);
    this.passive = counter(M.passive, registers);
    this.webhooks = counter(M.webhooks, registers);
  }

  sweepFinished(ok: boolean, at: Date): void {
    this.sweeps.inc({ outcome: ok ? 'ok' : 'error' });
    this.lastSweep.set(at.getTime() / 1000);
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

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
