/** Builds the syncto service from the daemon's parts: the renderer in force, the session factory, the commit engine. */
import { runTransaction } from '../commit/engine.ts';
import type { SessionFactory } from '../commit/session.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import type { Device } from '../model/device.ts';
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Renderer } from '../render/index.ts';
import { configHash, maskSecrets } from '../render/index.ts';
import type { Store } from '../model/store.ts';
import type { JobRunner } from '../jobs/jobRunner.ts';
import type { IntendedConfig } from '../jobs/syncto.ts';
import { SynctoService } from '../jobs/syncto.ts';

export interface SynctoParts {
  store: Store;
  syncStatus: SyncStatusService;
  runner: JobRunner;
  sessions: SessionFactory;
  /** Absent when no repos are configured: every device then fails with a clear message. */
  renderer?: Renderer;
  canonicalize: (platform: string, text: string) => string;
  logger: Logger;
  clock: Clock;
}

export function buildSyncto(parts: SynctoParts): SynctoService {
  const secrets = parts.renderer?.secrets ?? {};
  return new SynctoService({
    store: parts.store,
    syncStatus: parts.syncStatus,
    runner: parts.runner,
    sessions: parts.sessions,
    renderAll: (devices) => renderAll(parts.renderer, devices),
    runTransaction: (input) =>
      runTransaction(input, {
        sessions: parts.sessions,
        locks: parts.store,
        fingerprints: { storedHash: async (h) => (await parts.store.getDevice(h))?.configHash ?? null, hashOf: configHash },
        logger: parts.logger,
        clock: parts.clock,
      }),
    canonicalize: parts.canonicalize,
    hash: configHash,
    mask: (text) => maskSecrets(text, secrets),
    logger: parts.logger.child({ component: 'syncto' }),
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
  for (const d of devices) {
    try {
      const rendered = ctx.render(d);
      out.set(d.hostname, { config: rendered.config, masked: rendered.masked });
    } catch (err) {
      out.set(d.hostname, isNetsyncError(err) ? err : new NetsyncError('RENDER_FAILED', (err as Error).message));
    }
  }
  return out;
}
