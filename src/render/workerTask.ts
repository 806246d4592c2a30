/**
 * Wall 2 of the template sandbox: the code a render worker thread runs (piscina loads this file). The thread
 * starts with an empty environment and a capped heap (workerPool.ts); everything a render needs arrives in
 * the task: the commits' files (only when this thread has not parsed that commit yet), the devices, the
 * secrets. Parsed snapshots are kept per commit sha, so a thread parses each commit once.
 */
import { serializeError, type SerializedError } from './workerProtocol.ts';
import type { RenderBatchTask, RenderBatchReply, WorkerRendered } from './workerProtocol.ts';
import { renderConfig } from './renderConfig.ts';
import type { SettingsSnapshot } from './settingsSnapshot.ts';
import { parseSettings } from './settingsSnapshot.ts';
import type { TemplatesSnapshot } from './templatesSnapshot.ts';
import { parseTemplates } from './templatesSnapshot.ts';
import { NetsyncError } from '../model/errors.ts';

const KEEP = 4;
const settingsBySha = new Map<string, SettingsSnapshot>();
const templatesBySha = new Map<string, TemplatesSnapshot>();
let lastSettings: SettingsSnapshot | undefined;

function remember<T>(cache: Map<string, T>, sha: string, value: T): T {
  cache.set(sha, value);
  while (cache.size > KEEP) cache.delete(cache.keys().next().value!);
  return value;
}

export default function renderBatch(task: RenderBatchTask): RenderBatchReply {
  const progress = new Int32Array(task.progress);
  let settings = settingsBySha.get(task.settings.sha);
  let templates = templatesBySha.get(task.templates.sha);
  const missing = [...(settings || task.settings.files ? [] : ['settings' as const]), ...(templates || task.templates.files ? [] : ['templates' as const])];
  if (missing.length > 0) return { missing };
  Atomics.store(progress, 1, Date.now() - task.epoch);
  Atomics.store(progress, 0, -2); // parsing (workerPool's PARSING)
  if (!settings) settings = remember(settingsBySha, task.settings.sha, (lastSettings = parseSettings(task.settings.files!, lastSettings)));
  if (!templates) templates = remember(templatesBySha, task.templates.sha, parseTemplates(task.templates.files!));

  const inputs = { settings, templates, secrets: task.secrets, ...(task.defaults ? { defaults: task.defaults } : {}) };
  const results: (WorkerRendered | SerializedError)[] = [];
  for (let i = 0; i < task.devices.length; i++) {
    // The main thread's watchdog reads which device runs and since when (ms after task.epoch).
    Atomics.store(progress, 1, Date.now() - task.epoch);
    Atomics.store(progress, 0, i);
    const device = task.devices[i]!;
    try {
      const r = renderConfig(device, inputs);
      if (Buffer.byteLength(r.config) > task.maxOutputBytes) {
        throw new NetsyncError('RENDER_BUDGET_EXCEEDED', `${device.hostname}: ${device.platform}/${r.entrypoint} produced ${Buffer.byteLength(r.config)} bytes, over the ${task.maxOutputBytes}-byte output cap`, {
          hostname: device.hostname,
          template: `${device.platform}/${r.entrypoint}`,
          budget: 'output',
        });
      }
      results.push(r);
    } catch (err) {
      results.push(serializeError(err));
    }
  }
  Atomics.store(progress, 0, task.devices.length);
  return { results };
}
