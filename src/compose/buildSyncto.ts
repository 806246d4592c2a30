/** Builds the syncto service from the daemon's parts: the renderer in force, the session factory, the front door to the commit engine. */
import type { DeviceWrites } from '../commit/deviceWrites.ts';
import type { SessionFactory } from '../commit/session.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import type { Device } from '../model/device.ts';
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import type { Renderer } from '../render/index.ts';
import { configHash } from '../render/configHash.ts';
import { maskDeviceText } from '../render/maskDeviceText.ts';
import { valueSubstitutions } from '../render/secretPlaceholders.ts';
import type { Store } from '../model/store.ts';
import type { JobRunner } from '../jobs/jobRunner.ts';
import type { IntendedConfig } from '../jobs/syncto.ts';
import { SynctoService } from '../jobs/syncto.ts';

export interface SynctoParts {
  store: Store;
  syncStatus: SyncStatusService;
  runner: JobRunner;
  sessions: SessionFactory;
  /** The one front door to the commit engine (config defaults, journal). */
  writes: Pick<DeviceWrites, 'transaction'>;
  /** Devices read or verified at once (devices.concurrency). */
  concurrency?: number;
  /** Absent when no repos are configured: every device then fails with a clear message. */
  renderer?: Renderer;
  canonicalize: (platform: string, text: string) => string;
  logger: Logger;
}

export function buildSyncto(parts: SynctoParts): SynctoService {
  const values = valueSubstitutions(parts.renderer?.secrets ?? {});
  return new SynctoService({
    store: parts.store,
    syncStatus: parts.syncStatus,
    runner: parts.runner,
    sessions: parts.sessions,
    renderAll: (devices) => renderAll(parts.renderer, devices),
    runTransaction: (run) => parts.writes.transaction(run),
    ...(parts.concurrency ? { concurrency: parts.concurrency } : {}),
    canonicalize: parts.canonicalize,
    hash: configHash,
    mask: (text, subs = [], shown) => maskDeviceText(text, [...subs, ...values], shown),
    logger: parts.logger.child({ component: 'syncto' }),
    // Diffs run in the render processes under render.diffTimeoutMs (no renderer: no intended config, no diff).
    ...(parts.renderer ? { differ: parts.renderer.differ } : {}),
  });
}

/** Renders all devices of a job against one pair of commits; a device that fails to render gets its error. */
async function renderAll(renderer: Renderer | undefined, devices: Device[]): Promise<Map<string, IntendedConfig | NetsyncError>> {
  const out = new Map<string, IntendedConfig | NetsyncError>();
  if (!renderer) {
    const err = new NetsyncError('NO_REPOS', 'no settings/templates repos are configured (config key `repos`), so there is no intended config to push');
    for (const d of devices) out.set(d.hostname, err);
    return out;
  }
  const ctx = await renderer.context();
  const results = await ctx.renderMany(devices);
  devices.forEach((d, i) => {
    const r = results[i]!;
    out.set(d.hostname, isNetsyncError(r) ? r : { config: r.config, masked: r.masked, secretSubstitutions: r.secretSubstitutions });
  });
  return out;
}
