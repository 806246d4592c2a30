/**
 * The alarm service: evaluates on demand (API, CLI) and runs the sweep that
 * pushes results out (passive Nagios result, notification webhooks, metrics).
 * `sweep` is a plain function so the scheduler can call it on its cron.
 */
import type { Clock, Logger } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import type { AlarmReport, RejectedHead, Thresholds } from './evaluate.ts';
import { checkThresholds, evaluateUnsynced } from './evaluate.ts';
import type { NetsyncMetrics } from './metrics.ts';
import type { DeliveryOutcome, WebhookNotifier } from './notifications.ts';
import type { CommandSink, PassiveTarget, SinkOutcome } from './passive.ts';
import { passiveCheckLine } from './passive.ts';

export interface PassiveOutput {
  sink: CommandSink;
  target: PassiveTarget;
}

export interface AlarmServiceDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  thresholds: Thresholds;
  passive?: PassiveOutput;
  notifier?: WebhookNotifier;
  metrics?: NetsyncMetrics;
  /** Repos whose head netsync refused (none when no repos are tracked). */
  rejectedHeads?: () => Promise<RejectedHead[]>;
}

export interface SweepResult {
  report: AlarmReport;
  passive?: SinkOutcome | 'error';
  notifications: DeliveryOutcome[];
}

export class AlarmService {
  private running: Promise<SweepResult> | undefined;
  private lastPassive: SinkOutcome | 'error' | undefined;

  constructor(private readonly deps: AlarmServiceDeps) {
    checkThresholds(deps.thresholds);
  }

  get thresholds(): Thresholds {
    return this.deps.thresholds;
  }

  /** The current report; `overrides` lets a caller (the plugin) ask with its own thresholds. */
  async report(overrides: Partial<Thresholds> = {}): Promise<AlarmReport> {
    const base = this.deps.thresholds;
    // One threshold given alone moves the other out of its way instead of failing (-c 10m with a 30m warning).
    const thresholds = checkThresholds({
      warningSeconds: overrides.warningSeconds ?? Math.min(base.warningSeconds, overrides.criticalSeconds ?? Infinity),
      criticalSeconds: overrides.criticalSeconds ?? Math.max(base.criticalSeconds, overrides.warningSeconds ?? 0),
    });
    const heads = this.deps.rejectedHeads ? await this.deps.rejectedHeads() : [];
    // Read in place: the report copies the few fields it keeps, and copying 10,000 devices cost most of a check.
    const now = this.deps.clock();
    return this.deps.store.readDevices((devices) => evaluateUnsynced(devices, thresholds, now, heads));
  }

  /**
   * One sweep. Each output's failure is logged and counted, never thrown; only an unreadable
   * inventory rejects. Concurrent calls share one run, so nothing is notified twice.
   */
  readonly sweep = (): Promise<SweepResult> => {
    this.running ??= this.runSweep().finally(() => (this.running = undefined));
    return this.running;
  };

  private async runSweep(): Promise<SweepResult> {
    const { logger, metrics } = this.deps;
    let report: AlarmReport;
    try {
      report = await this.report();
    } catch (err) {
      logger.error({ err }, 'alarm sweep could not read the inventory');
      metrics?.sweepFinished(false, this.deps.clock());
      throw err;
    }
    const result: SweepResult = { report, notifications: [] };
    if (this.deps.passive) result.passive = await this.writePassive(report, this.deps.passive);
    if (this.deps.notifier) {
      try {
        result.notifications = await this.deps.notifier.notify(report);
      } catch (err) {
        logger.error({ err }, 'alarm notifications failed');
      }
      metrics?.notificationsSent(result.notifications);
    }
    metrics?.sweepFinished(true, this.deps.clock());
    logger.debug({ state: report.state, unsynchronized: report.unsynchronized, critical: report.critical }, 'alarm sweep done');
    return result;
  }

  private async writePassive(report: AlarmReport, passive: PassiveOutput): Promise<SinkOutcome | 'error'> {
    let outcome: SinkOutcome | 'error';
    try {
      outcome = await passive.sink.write(passiveCheckLine(report, passive.target, this.deps.clock()));
    } catch (err) {
      this.deps.logger.warn({ err, commandFile: passive.sink.target }, 'could not write the passive check result');
      outcome = 'error';
    }
    // Say so when it changes, not on every sweep while Nagios stays down.
    if (outcome !== this.lastPassive) {
      if (outcome === 'no-reader' || outcome === 'missing') {
        this.deps.logger.warn(
          { commandFile: passive.sink.target, outcome },
          'Nagios is not reading its command file; passive results are skipped until it does',
        );
      } else if (outcome === 'written' && this.lastPassive) {
        this.deps.logger.info({ commandFile: passive.sink.target }, 'passive results reach the Nagios command file again');
      }
      this.lastPassive = outcome;
    }
    this.deps.metrics?.passiveResult(outcome);
    return outcome;
  }
}
