/**
 * syncto (docs/design/architecture.md §5): push the rendered intended config to unsynchronized
 * devices. Per device: render, read the running config, check for drift,
 * diff; then one transaction through the commit engine for every device that
 * needs a change, and a read-back that verifies what the device now runs.
 * Everything the job touches comes in through SynctoPorts.
 */
import pLimit from 'p-limit';
import type { CommitFlags, TransactionOutcome } from '../commit/types.ts';
import type { WriteRun } from '../commit/deviceWrites.ts';
import type { DeviceSession, SessionFactory } from '../commit/session.ts';
import { deviceTarget } from '../commit/target.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import type { Device } from '../model/device.ts';
import type { ErrorCode } from '../model/errors.ts';
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import { boundedTwoFilesPatch, inThreadDiffer } from '../render/configDiff.ts';
import type { ConfigDiffer } from '../render/configDiff.ts';
import type { DeviceJobResult, Job } from '../model/job.ts';
import type { Logger } from '../model/ports.ts';
import type { SecretSubstitution } from '../render/index.ts';
import { deriveSubstitutions } from '../render/secretPlaceholders.ts';
import type { Store } from '../model/store.ts';
import type { JobContext, JobRunner } from './jobRunner.ts';
import type { SyncTarget } from './selection.ts';
import { describeTarget, selectDevices } from './selection.ts';

export interface SynctoRequest {
  target: SyncTarget;
  dryRun: boolean;
  resync: boolean;
  force: boolean;
  comment?: string;
  ticketRef?: string;
  flags: Partial<CommitFlags>;
  by: string;
  /** `auto-sync` when the scheduler started it (journaled as such). */
  kind?: 'syncto' | 'auto-sync';
}

export interface IntendedConfig {
  /** Device-native config (may contain secrets: only ever sent to the device). */
  config: string;
  /** The config rendered with secret placeholders: the intended side of every diff and job record. */
  masked: string;
  /** How to mask what this device sends back (its running config, its error messages) to line up with `masked`. */
  secretSubstitutions: SecretSubstitution[];
}

export interface SynctoPorts {
  store: Store;
  syncStatus: SyncStatusService;
  runner: JobRunner;
  sessions: SessionFactory;
  /** Renders every device of one job against the same commits. */
  renderAll(devices: Device[]): Promise<Map<string, IntendedConfig | NetsyncError>>;
  /** The front door to the devices (config defaults, journal). */
  runTransaction(run: WriteRun): Promise<TransactionOutcome>;
  /** Device text in the form getRunningConfig() returns, so rendered and running compare as strings. */
  canonicalize(platform: string, text: string): string;
  hash(text: string): string;
  /**
   * Masks secrets in device text before it is stored or shown: the device's substitutions and every known
   * secret value become placeholders; lines not in `shown` (the placeholder render) get the shape mask.
   */
  mask(text: string, substitutions?: readonly SecretSubstitution[], shown?: string): string;
  logger: Logger;
  /** Devices read or verified at once. */
  concurrency?: number;
  /** Where config diffs run, under netsync.yml render.diffTimeoutMs: the render processes (Renderer.differ). */
  differ?: ConfigDiffer;
}

interface Planned {
  device: Device;
  intended: IntendedConfig;
  diff: string;
  changedLines: number;
}

export class SynctoService {
  constructor(private readonly ports: SynctoPorts) {
    ports.runner.handle('syncto', (job, ctx) => this.runJob(job, ctx));
  }

  /**
   * Validates the request and selects devices now (bad input fails here, before a job exists); the job runs in
   * the background, here or (with the replicas' shared queue) on whichever replica claims it.
   */
  async start(req: SynctoRequest): Promise<Job> {
    const devices = selectDevices(await this.ports.store.listDevices(), req.target, req.resync);
    return this.ports.runner.submit({
      kind: 'syncto',
      args: {
        target: describeTarget(req.target),
        dryRun: req.dryRun,
        resync: req.resync,
        force: req.force,
        flags: req.flags,
        devices: devices.map((d) => d.hostname),
        ...(req.kind === 'auto-sync' ? { runKind: 'auto-sync' } : {}),
      },
      by: req.by,
      ...(req.comment ? { comment: req.comment } : {}),
      ...(req.ticketRef ? { ticketRef: req.ticketRef } : {}),
    });
  }

  /** A job from its record: the devices selected when it was accepted (as they are now), and its options. */
  private async runJob(job: Job, ctx: JobContext): Promise<'FINISHED' | 'FAILED'> {
    const args = job.args;
    const wanted = new Set((Array.isArray(args.devices) ? args.devices : []).filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase()));
    const devices = (await this.ports.store.listDevices()).filter((d) => wanted.has(d.hostname.toLowerCase()));
    const req: SynctoRequest = {
      target: { kind: 'all' },
      dryRun: args.dryRun === true,
      resync: args.resync === true,
      force: args.force === true,
      flags: (typeof args.flags === 'object' && args.flags !== null ? args.flags : {}) as Partial<CommitFlags>,
      by: job.by,
      ...(args.runKind === 'auto-sync' ? { kind: 'auto-sync' as const } : {}),
    };
    return this.run(devices, req, ctx);
  }

  private async run(devices: Device[], req: SynctoRequest, ctx: JobContext): Promise<'FINISHED' | 'FAILED'> {
    await ctx.setTotal(devices.length);
    const results = new Map<string, DeviceJobResult>();
    const record = async (hostname: string, result: DeviceJobResult) => {
      results.set(hostname, result);
      await ctx.deviceResult(hostname, result);
    };

    const owned = await this.lockDevices(devices, ctx.jobId, record);
    try {
      const planned = await this.plan(owned, req, ctx, record);
      const changeScore = planned.reduce((sum, p) => sum + p.changedLines, 0);
      await ctx.update({ changeScore });
      if (req.dryRun) {
        for (const p of planned) await record(p.device.hostname, { status: 'would-change', changed: true, diff: p.diff });
      } else if (await ctx.checkAbort()) {
        for (const p of planned)
          await record(p.device.hostname, { status: 'skipped', changed: true, diff: p.diff, error: 'job aborted before the push started' });
      } else if (planned.length > 0) {
        await this.push(planned, req, ctx, record);
      }
    } finally {
      await Promise.all(owned.map((d) => this.ports.store.unlockDevice(d.hostname, ctx.jobId)));
    }
    return [...results.values()].some((r) => r.status === 'failed') ? 'FAILED' : 'FINISHED';
  }

  /** A device another job is pushing is left out of this one (never pushed twice at once). */
  private async lockDevices(devices: Device[], owner: string, record: (h: string, r: DeviceJobResult) => Promise<void>): Promise<Device[]> {
    const owned: Device[] = [];
    for (const d of devices) {
      if (await this.ports.store.tryLockDevice(d.hostname, owner)) owned.push(d);
      else {
        const holder = await this.ports.store.lockHolder(d.hostname);
        await record(d.hostname, { status: 'skipped', error: `device is being configured by ${holder ?? 'another job'}; left out of this job` });
      }
    }
    return owned;
  }

  /** Render, read running, drift-check and diff every device; returns the ones that need a push. */
  private async plan(devices: Device[], req: SynctoRequest, ctx: JobContext, record: (h: string, r: DeviceJobResult) => Promise<void>): Promise<Planned[]> {
    const rendered = await this.ports.renderAll(devices);
    const limit = pLimit(this.ports.concurrency ?? 20);
    const planned: Planned[] = [];
    await Promise.all(
      devices.map((device) =>
        limit(async () => {
          if (ctx.signal.aborted) return record(device.hostname, { status: 'skipped', error: 'job aborted before this device was started' });
          const intended = rendered.get(device.hostname);
          if (!intended || intended instanceof NetsyncError) {
            return record(device.hostname, {
              status: 'failed',
              error: intended?.message ?? 'nothing rendered for this device',
              code: intended?.code ?? 'RENDER_FAILED',
              phase: 'render',
            });
          }
          await record(device.hostname, { status: 'running' });
          let running: string;
          try {
            running = await this.readRunning(device);
          } catch (err) {
            return record(device.hostname, {
              status: req.flags.skipUnreachable ? 'skipped' : 'failed',
              error: this.ports.mask(`could not read the running config: ${errorText(err)}`, intended.secretSubstitutions),
              code: codeOf(err),
              phase: 'read-running',
            });
          }
          const want = this.ports.canonicalize(device.platform, intended.config);
          const diff = await this.diff(device, running, want, intended);
          const runningHash = this.ports.hash(running);
          // A device that already runs its intended config has nothing to push, whoever put it there (e.g. a run
          // cut off after its commit, before the store recorded it): synchronized, not drift.
          if (diff.lines > 0 && !req.force && device.configHash && runningHash !== device.configHash) {
            // A dry run reports drift but changes no status.
            if (!req.dryRun)
              await this.ports.syncStatus.markUnsynced([device.hostname], 'drift_detected', {
                by: `job:${ctx.jobId}`,
                jobId: ctx.jobId,
                detail: 'running config differs from the one netsync last pushed; left out of this push (use force to overwrite)',
              });
            return record(device.hostname, {
              status: 'drift',
              changed: diff.lines > 0,
              diff: diff.text,
              error: 'configuration changed on the device outside netsync',
            });
          }
          if (diff.lines === 0) {
            await this.ports.syncStatus.markSynced([device.hostname], {
              by: `job:${ctx.jobId}`,
              jobId: ctx.jobId,
              configHash: runningHash,
              detail: 'nothing to change',
            });
            return record(device.hostname, { status: 'unchanged', changed: false });
          }
          planned.push({ device, intended, diff: diff.text, changedLines: diff.lines });
        }),
      ),
    );
    return planned;
  }

  private async push(planned: Planned[], req: SynctoRequest, ctx: JobContext, record: (h: string, r: DeviceJobResult) => Promise<void>): Promise<void> {
    const outcome = await this.ports.runTransaction({
      id: ctx.jobId,
      kind: req.kind ?? 'syncto',
      onNote: (text) => ctx.note(text),
      // The engine re-checks at lock time that store and device still hold the config this plan saw, closing
      // the window between the drift check above and the push. A forced push means to overwrite whatever is there.
      items: planned.map((p) => ({ target: deviceTarget(p.device), config: p.intended.config, expectedHash: req.force ? null : p.device.configHash })),
      flags: req.flags,
    });
    const byHost = new Map(outcome['node-results'].map((n) => [n['node-id'].toLowerCase(), n]));
    const limit = pLimit(this.ports.concurrency ?? 20);
    await Promise.all(
      planned.map((p) =>
        limit(async () => {
          const node = byHost.get(p.device.hostname.toLowerCase());
          if (!node || node['configuration-status'] !== 'complete') {
            const skipped = node?.['configuration-status'] === 'skipped';
            return record(p.device.hostname, {
              status: skipped ? 'skipped' : 'failed',
              changed: false,
              diff: p.diff,
              error: node?.error
                ? this.ports.mask(node.error.message, p.intended.secretSubstitutions)
                : 'not committed: another device of the transaction failed',
              ...(node?.error ? { code: node.error.code, phase: node.error.phase } : {}),
              rollbackStatus: node?.['rollback-status'] ?? 'not-needed',
            });
          }
          // Verify before claiming success: the hash recorded is that of what the device now runs.
          try {
            const running = await this.readRunning(p.device);
            const want = this.ports.canonicalize(p.device.platform, p.intended.config);
            if (running !== want) {
              return record(p.device.hostname, {
                status: 'failed',
                changed: true,
                diff: (await this.diff(p.device, running, want, p.intended)).text,
                error: 'committed, but the running config does not match the intended config',
                code: 'COMMIT_NOT_APPLIED',
                phase: 'verify',
              });
            }
            await this.ports.syncStatus.markSynced([p.device.hostname], { by: `job:${ctx.jobId}`, jobId: ctx.jobId, configHash: this.ports.hash(running) });
            await record(p.device.hostname, { status: 'synced', changed: true, diff: p.diff });
          } catch (err) {
            await record(p.device.hostname, {
              status: 'failed',
              changed: true,
              diff: p.diff,
              error: this.ports.mask(`committed, but could not verify: ${errorText(err)}`, p.intended.secretSubstitutions),
              code: codeOf(err),
              phase: 'verify',
            });
          }
        }),
      ),
    );
  }

  private async readRunning(device: Device): Promise<string> {
    const session: DeviceSession = await this.ports.sessions.open(deviceTarget(device));
    try {
      return await session.getRunningConfig();
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  /**
   * What a person sees: the running config masked (secrets it echoes become the placeholders the intended
   * side shows) against the placeholder render, both in the device's canonical form. `lines` counts the
   * shown change, and is at least 1 when only secret values differ, so such a device is still pushed.
   */
  private async diff(device: Device, running: string, want: string, intended: IntendedConfig): Promise<{ text: string; lines: number }> {
    if (running === want) return { text: '', lines: 0 };
    const shownWant = this.ports.canonicalize(device.platform, intended.masked);
    // Substitutions learnt again in canonical form: canonicalising can re-indent or reorder the lines.
    const subs = [...deriveSubstitutions(want, shownWant, {}), ...intended.secretSubstitutions];
    const shownRunning = this.ports.mask(running, subs, shownWant);
    const hostname = device.hostname;
    if (shownRunning === shownWant) {
      return { text: `--- ${hostname} (running)\n+++ ${hostname} (intended)\n# only secret values differ; they are not shown\n`, lines: 1 };
    }
    const a = withNewline(shownRunning);
    const b = withNewline(shownWant);
    const patch = await boundedTwoFilesPatch(this.ports.differ ?? inThreadDiffer(), `${hostname} (running)`, `${hostname} (intended)`, a, b);
    const text = patch.text;
    // Too large to diff in time: every line of both may differ (an upper bound, and never 0 for unequal configs).
    if (patch.tooLarge) return { text, lines: a.split('\n').length + b.split('\n').length - 2 };
    const lines = text.split('\n').filter((l) => (l.startsWith('+') || l.startsWith('-')) && !l.startsWith('+++') && !l.startsWith('---')).length;
    return { text, lines };
  }
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

function codeOf(err: unknown): ErrorCode {
  return isNetsyncError(err) ? err.code : 'INTERNAL';
}

function errorText(err: unknown): string {
  return isNetsyncError(err) ? `${err.message} [${err.code}]` : (err as Error).message;
}
