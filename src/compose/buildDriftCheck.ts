/** Builds the scheduled drift check from the daemon's parts: the store, the session factory and the renderer in force. */
import { createTwoFilesPatch } from 'diff';
import type { SessionFactory } from '../commit/session.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import { DriftCheck } from '../jobs/driftCheck.ts';
import type { Device } from '../model/device.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Renderer } from '../render/index.ts';
import { configHash, maskSecrets } from '../render/index.ts';
import type { Store } from '../store/store.ts';

export interface DriftCheckParts {
  store: Store;
  syncStatus: SyncStatusService;
  sessions: SessionFactory;
  /** Absent without repos: drift is still found, the history then has no diff to show. */
  renderer?: Renderer;
  canonicalize: (platform: string, text: string) => string;
  concurrency: number;
  logger: Logger;
  clock: Clock;
}

export function buildDriftCheck(parts: DriftCheckParts): DriftCheck {
  const { renderer } = parts;
  return new DriftCheck({
    store: parts.store,
    syncStatus: parts.syncStatus,
    sessions: parts.sessions,
    hash: configHash,
    concurrency: parts.concurrency,
    logger: parts.logger.child({ component: 'drift-check' }),
    clock: parts.clock,
    explain: async (device: Device, running: string) => {
      if (!renderer) return undefined;
      const intended = parts.canonicalize(device.platform, (await (await renderer.context()).render(device)).config);
      const patch = createTwoFilesPatch(`${device.hostname} (running)`, `${device.hostname} (intended)`, `${running}\n`, `${intended}\n`, '', '', { context: 3 });
      return maskSecrets(patch, renderer.secrets);
    },
  });
}
