/**
 * Builds the alarm parts from the `alarms` config: service, metrics (the daemon's scheduler runs the sweep)
 * and their adapters (command file, HTTP). Kept out of daemon.ts so the
 * composition root only gains a few lines.
 */
import type { Router } from 'express';
import { AlarmService } from '../alarms/alarmService.ts';
import type { AlarmsConfig } from '../alarms/configSchema.ts';
import { parseDuration } from '../model/duration.ts';
import type { RejectedHead, Thresholds } from '../alarms/evaluate.ts';
import { readRepoStatuses } from '../intake/repoStatus.ts';
import { NetsyncMetrics } from '../alarms/metrics.ts';
import type { HttpPost, NotificationTarget } from '../alarms/notifications.ts';
import { WebhookNotifier } from '../alarms/notifications.ts';
import { alarmsRouter } from '../api/routes/alarms.ts';
import { metricsRouter } from '../api/routes/metrics.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import { NagiosCommandFile } from '../monitoring/nagiosCommandFile.ts';

export interface Alarms {
  service: AlarmService;
  metrics: NetsyncMetrics;
  apiRouter: Router;
  /** /metrics, or nothing when disabled. */
  publicRouters: Router[];
}

const POST_TIMEOUT_MS = 10_000;

export const fetchPost: HttpPost = async (url, body, headers) => {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
  await res.arrayBuffer(); // drain so the connection is released
  return { status: res.status };
};

export function createAlarms(
  config: AlarmsConfig,
  deps: { store: Store; clock: Clock; logger: Logger; resolvePath: (p: string) => string; post?: HttpPost; tracksRepos?: boolean },
): Alarms {
  const logger = deps.logger.child({ module: 'alarms' });
  const thresholds: Thresholds = { warningSeconds: parseDuration(config.warning), criticalSeconds: parseDuration(config.critical) };
  // A repo whose head netsync refused alarms like an unsynchronized device: the network runs on an old commit.
  const rejectedHeads = async (): Promise<RejectedHead[]> =>
    deps.tracksRepos
      ? (await readRepoStatuses(deps.store))
          .filter((r) => r.rejected && r.head && r.rejectedSince)
          .map((r) => ({ repo: r.name, head: r.head!, knownGood: r.knownGood, since: r.rejectedSince!, problems: r.problems }))
      : [];
  const metrics = new NetsyncMetrics(deps.store, thresholds, deps.clock, rejectedHeads);
  const targets: NotificationTarget[] = config.notifications.map((t, i) => ({
    name: t.name ?? `${t.kind}-${i + 1}`,
    url: t.url,
    kind: t.kind,
    level: t.level,
    reminderSeconds: parseDuration(t.reminder),
    headers: t.headers,
  }));
  const service = new AlarmService({
    store: deps.store,
    clock: deps.clock,
    logger,
    thresholds,
    metrics,
    rejectedHeads,
    ...(config.passive
      ? {
          passive: {
            sink: new NagiosCommandFile(deps.resolvePath(config.passive.commandFile)),
            target: { host: config.passive.host, service: config.passive.service },
          },
        }
      : {}),
    ...(targets.length > 0 ? { notifier: new WebhookNotifier(targets, deps.store, deps.post ?? fetchPost, deps.clock, logger) } : {}),
  });
  return {
    service,
    metrics,
    apiRouter: alarmsRouter(service),
    publicRouters: config.metrics.enabled ? [metricsRouter(metrics, config.metrics.token)] : [],
  };
}
