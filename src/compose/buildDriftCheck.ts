/** Builds the scheduled drift check from the daemon's parts: the store, the session factory and the renderer in force. */
import type { SessionFactory } from '../commit/session.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import { DriftCheck } from '../jobs/driftCheck.ts';
import type { Device } from '../model/device.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Renderer } from '../render/index.ts';
import { configHash } from '../render/configHash.ts';
import { maskDeviceText } from '../render/maskDeviceText.ts';
import { valueSubstitutions } from '../render/secretPlaceholders.ts';
import { boundedTwoFilesPatch } from '../render/configDiff.ts';
import type { Store } from '../model/store.ts';

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
    // What the history shows, built as syncto's diffs are: the placeholder render against the running config
    // masked with that render's substitutions (a secret a template transformed never shows), diffed in a render
    // process under render.diffTimeoutMs.
    explain: async (device: Device, running: string) => {
      if (!renderer) return undefined;
      const rendered = await (await renderer.context()).render(device);
      const shownWant = parts.canonicalize(device.platform, rendered.masked);
      const subs = [...rendered.secretSubstitutions, ...valueSubstitutions(renderer.secrets)];
      const shownRunning = maskDeviceText(running, subs, shownWant);
      return (
        await boundedTwoFilesPatch(renderer.differ, `${device.hostname} (running)`, `${device.hostname} (intended)`, `${shownRunning}\n`, `${shownWant}\n`)
      ).text;
    },
  });
}
