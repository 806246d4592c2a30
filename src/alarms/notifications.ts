/**
 * Notification webhooks: POST when a device crosses a target's threshold, when
 * it recovers, and again every `reminder` while it stays in alarm. What was
 * last sent is persisted per (target, device), so a restart neither repeats
 * nor forgets a notification (de-duplication survives restarts). A failed POST
 * records nothing and is retried on the next sweep.
 */
import { hostnameKey } from '../model/device.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import type { AlarmLevel, AlarmReport, UnsyncedDevice } from './evaluate.ts';
import { z } from 'zod';
import { isoTime, recordSchema } from '../model/schemaKit.ts';

export type TargetKind = 'generic' | 'alertmanager';

export interface NotificationTarget {
  name: string;
  url: string;
  kind: TargetKind;
  /** Lowest level that notifies: 'critical' (default) or 'warning'. */
  level: Exclude<AlarmLevel, 'ok'>;
  reminderSeconds: number;
  headers: Record<string, string>;
}

/** Sent state of one device at one target. */
export interface NotificationRecord {
  id: string;
  target: string;
  hostname: string;
  level: Exclude<AlarmLevel, 'ok'>;
  /** The `unsyncedSince` of the episode notified about: a new episode notifies afresh. */
  since: string;
  firstSentAt: string;
  lastSentAt: string;
}

declare module '../model/store.ts' {
  interface Collections {
    alarmNotifications: NotificationRecord;
  }
}

/** Checked at every store load (listed in src/compose/storeCollections.ts). */
export const notificationRecordSchema = recordSchema<NotificationRecord>()(
  z.object({
    id: z.string().min(1),
    target: z.string(),
    hostname: z.string().min(1),
    level: z.enum(['warning', 'critical']),
    since: isoTime,
    firstSentAt: isoTime,
    lastSentAt: isoTime,
  }),
);

export type EventReason = 'new' | 'escalated' | 'reminder' | 'recovered';

export interface NotificationEvent {
  status: 'firing' | 'resolved';
  reason: EventReason;
  hostname: string;
  level: AlarmLevel;
  since: string;
  ageSeconds: number | null;
  cause: string | null;
  by: string | null;
  /** For Alertmanager: the severity previously sent, to resolve it when the level changes. */
  previousLevel?: AlarmLevel;
}

export type HttpPost = (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;

export interface DeliveryOutcome {
  target: string;
  kind: TargetKind;
  events: number;
  ok: boolean;
  error?: string;
}

const LEVEL_RANK: Record<AlarmLevel, number> = { ok: 0, warning: 1, critical: 2 };
export const ALERT_NAME = 'NetsyncDeviceUnsynchronized';
export const REPO_ALERT_NAME = 'NetsyncRepoHeadRejected';
/** Rejected repos are notified like devices, under the subject `repo:<name>` (no hostname contains ':'). */
const REPO_SUBJECT = 'repo:';

/** Devices and rejected repos, as the subjects of notifications. */
function subjects(report: AlarmReport): UnsyncedDevice[] {
  const repos = (report.rejectedRepos ?? []).map((r) => ({
    hostname: `${REPO_SUBJECT}${r.repo}`,
    since: r.since,
    ageSeconds: r.ageSeconds,
    level: r.level,
    cause: 'head_rejected',
    by: `head ${r.head.slice(0, 8)} rejected, known-good ${r.knownGood ? r.knownGood.slice(0, 8) : 'none'} in force`,
  }));
  return [...report.devices, ...repos];
}

export class WebhookNotifier {
  constructor(
    private readonly targets: readonly NotificationTarget[],
    private readonly store: Store,
    private readonly post: HttpPost,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async notify(report: AlarmReport): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    // Targets are independent: one unreachable receiver never holds back another.
    for (const target of this.targets) outcomes.push(await this.notifyTarget(target, report));
    return outcomes.filter((o) => o.events > 0);
  }

  private async notifyTarget(target: NotificationTarget, report: AlarmReport): Promise<DeliveryOutcome> {
    const now = this.clock();
    const sent = (await this.store.listRecords('alarmNotifications')).filter((r) => r.target === target.name);
    const events = planEvents(target, report, sent, now);
    if (events.length === 0) return { target: target.name, kind: target.kind, events: 0, ok: true };
    const body = target.kind === 'alertmanager' ? alertmanagerBody(events, target, now) : genericBody(events, report, now);
    try {
      const res = await this.post(target.url, JSON.stringify(body), { 'content-type': 'application/json', ...target.headers });
      if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      const error = (err as Error).message;
      this.logger.warn({ target: target.name, events: events.length, error }, 'alarm notification failed; will retry on the next sweep');
      return { target: target.name, kind: target.kind, events: events.length, ok: false, error };
    }
    await this.record(target, events, sent, now);
    this.logger.info({ target: target.name, events: events.map((e) => `${e.hostname}:${e.reason}`) }, 'alarm notification sent');
    return { target: target.name, kind: target.kind, events: events.length, ok: true };
  }

  private async record(target: NotificationTarget, events: NotificationEvent[], sent: NotificationRecord[], now: Date): Promise<void> {
    const at = now.toISOString();
    const before = new Map(sent.map((r) => [r.id, r]));
    await this.store.transact(() => ({
      result: undefined,
      records: events.map((e) => {
        const id = recordId(target.name, e.hostname);
        if (e.status === 'resolved') return { collection: 'alarmNotifications' as const, id, delete: true as const };
        const value: NotificationRecord = {
          id,
          target: target.name,
          hostname: e.hostname,
          level: e.level as NotificationRecord['level'],
          since: e.since,
          firstSentAt: e.reason === 'new' ? at : (before.get(id)?.firstSentAt ?? at),
          lastSentAt: at,
        };
        return { collection: 'alarmNotifications' as const, id, value };
      }),
    }));
  }
}

function recordId(target: string, hostname: string): string {
  return `${target}|${hostnameKey(hostname)}`;
}

/** Which events a target is owed, given what it was last sent. Pure, and the heart of de-duplication. */
export function planEvents(target: NotificationTarget, report: AlarmReport, sent: readonly NotificationRecord[], now: Date): NotificationEvent[] {
  const byHost = new Map(sent.map((r) => [hostnameKey(r.hostname), r]));
  const events: NotificationEvent[] = [];
  const all = subjects(report);
  const alarming = all.filter((d) => LEVEL_RANK[d.level] >= LEVEL_RANK[target.level]);
  const alarmingKeys = new Set(alarming.map((d) => hostnameKey(d.hostname)));
  for (const d of alarming) {
    const prev = byHost.get(hostnameKey(d.hostname));
    if (!prev || prev.since !== d.since) events.push(firing(d, 'new'));
    else if (prev.level !== d.level) events.push({ ...firing(d, 'escalated'), previousLevel: prev.level });
    else if (now.getTime() - Date.parse(prev.lastSentAt) >= target.reminderSeconds * 1000) events.push(firing(d, 'reminder'));
  }
  // Synchronized, set UNMANAGED, deleted, or back under the threshold: all count as recovered.
  for (const r of sent) {
    if (alarmingKeys.has(hostnameKey(r.hostname))) continue;
    const current = all.find((d) => hostnameKey(d.hostname) === hostnameKey(r.hostname));
    events.push({
      status: 'resolved',
      reason: 'recovered',
      hostname: r.hostname,
      level: current?.level ?? 'ok',
      since: r.since,
      ageSeconds: current?.ageSeconds ?? null,
      cause: current?.cause ?? null,
      by: current?.by ?? null,
      previousLevel: r.level,
    });
  }
  return events;
}

function firing(d: UnsyncedDevice, reason: EventReason): NotificationEvent {
  return { status: 'firing', reason, hostname: d.hostname, level: d.level, since: d.since, ageSeconds: d.ageSeconds, cause: d.cause, by: d.by };
}

export function genericBody(events: NotificationEvent[], report: AlarmReport, now: Date) {
  return {
    source: 'netsync',
    type: 'unsynced-alarm',
    sentAt: now.toISOString(),
    state: report.state,
    thresholds: report.thresholds,
    events: events.map(({ previousLevel: _p, ...e }) => e),
  };
}

/**
 * Alertmanager API v2 `POST /api/v2/alerts` body. Firing alerts carry an
 * `endsAt` two reminders ahead, so they stay active between reminders and
 * expire by themselves if netsync stops sending.
 */
export function alertmanagerBody(events: NotificationEvent[], target: NotificationTarget, now: Date) {
  const alert = (e: NotificationEvent, severity: AlarmLevel, endsAt: Date) => ({
    labels: e.hostname.startsWith(REPO_SUBJECT)
      ? { alertname: REPO_ALERT_NAME, repo: e.hostname.slice(REPO_SUBJECT.length), severity, service: 'netsync' }
      : { alertname: ALERT_NAME, hostname: e.hostname, severity, service: 'netsync' },
    annotations: {
      summary: e.hostname.startsWith(REPO_SUBJECT) ? `${e.hostname} head rejected since ${e.since}` : `${e.hostname} unsynchronized since ${e.since}`,
      description: `last cause ${e.cause ?? 'unknown'}${e.by ? ` by ${e.by}` : ''}`,
    },
    startsAt: e.since,
    endsAt: endsAt.toISOString(),
  });
  const ahead = new Date(now.getTime() + Math.max(2 * target.reminderSeconds, 120) * 1000);
  return events.flatMap((e) => {
    if (e.status === 'resolved') return [alert(e, e.previousLevel ?? 'critical', now)];
    const current = alert(e, e.level, ahead);
    return e.previousLevel && e.previousLevel !== e.level ? [alert(e, e.previousLevel, now), current] : [current];
  });
}
