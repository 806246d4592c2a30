/**
 * What a render process does with one task (renderProcess.ts receives it): parse the commits it has not
 * parsed yet, under the input limits the daemon was configured with, then render each device, reporting
 * which device it is on so the parent's watchdog can hold it to the time budget. Everything a render needs
 * arrives in the task: the commits' files (only when this process has not parsed that commit yet), the
 * devices, the secrets, the limits. Parsed snapshots are kept per commit and limits, so a process parses
 * each commit once.
 */
import { commitKey, serializeError } from './workerProtocol.ts';
import type { ParseReply, ParseTask, RenderBatchTask, RenderBatchReply, SerializedError, WorkerRendered } from './workerProtocol.ts';
import type { InputLimits } from './inputLimits.ts';
import { renderConfig } from './renderConfig.ts';
import type { SettingsSnapshot } from './settingsSnapshot.ts';
import { parseSettings } from './settingsSnapshot.ts';
import type { TemplatesSnapshot } from './templatesSnapshot.ts';
import { parseTemplates } from './templatesSnapshot.ts';
import { NetsyncError } from '../model/errors.ts';

/** Parsed commits kept per repo (the parent mirrors this to send files only where they are missing). */
export const KEEP_COMMITS = 4;
/** `device` of a progress report while the commits are parsed. */
export const PARSING = -1;
/** `device` from when a task is handed to its process until the process reports (it is reading the task). */
export const STARTING = -2;
/** `device` of a progress report while two configs are diffed. */
export const DIFFING = -4;
/** `device` while the process is still starting (loading its code): no budget runs yet. */
export const WAITING = -3;

const settingsByKey = new Map<string, SettingsSnapshot>();
const templatesByKey = new Map<string, TemplatesSnapshot>();
let lastSettings: SettingsSnapshot | undefined;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  cache.set(key, value);
  while (cache.size > KEEP_COMMITS) cache.delete(cache.keys().next().value!);
  return value;
}

function settingsAt(key: string, files: Map<string, string>, limits: InputLimits): SettingsSnapshot {
  return settingsByKey.get(key) ?? remember(settingsByKey, key, (lastSettings = parseSettings(files, lastSettings, limits)));
}

function templatesAt(key: string, files: Map<string, string>, limits: InputLimits): TemplatesSnapshot {
  return templatesByKey.get(key) ?? remember(templatesByKey, key, parseTemplates(files, limits));
}

/** Parses a commit for the daemon (and keeps it, so the renders that follow need not send its files). */
export function parseCommit(task: ParseTask): ParseReply {
  const key = commitKey(task.sha, task.limits);
  if (task.repo === 'settings') {
    const { docs, problems, groupPriority } = settingsAt(key, task.files, task.limits);
    return { settings: { docs, problems, groupPriority } };
  }
  const { platforms, problems } = templatesAt(key, task.files, task.limits);
  return { templates: { platforms, problems } };
}

/** `progress(device, at)`: the device (index in task.devices, or PARSING) this process starts on, at Date.now(). */
export function renderBatch(task: RenderBatchTask, progress: (device: number, at: number) => void): RenderBatchReply {
  const settingsKey = commitKey(task.settings.sha, task.limits);
  const templatesKey = commitKey(task.templates.sha, task.limits);
  let settings = settingsByKey.get(settingsKey);
  let templates = templatesByKey.get(templatesKey);
  const missing = [...(settings || task.settings.files ? [] : ['settings' as const]), ...(templates || task.templates.files ? [] : ['templates' as const])];
  if (missing.length > 0) return { missing };
  if (!settings || !templates) progress(PARSING, Date.now());
  settings ??= settingsAt(settingsKey, task.settings.files!, task.limits);
  templates ??= templatesAt(templatesKey, task.templates.files!, task.limits);

  const inputs = { settings, templates, secrets: task.secrets, ...(task.defaults ? { defaults: task.defaults } : {}) };
  const results: (WorkerRendered | SerializedError)[] = [];
  for (let i = 0; i < task.devices.length; i++) {
    progress(i, Date.now());
    const device = task.devices[i]!;
    try {
      const r = renderConfig(device, inputs);
      const bytes = Buffer.byteLength(r.config);
      if (bytes > task.maxOutputBytes) {
        throw new NetsyncError(
          'RENDER_BUDGET_EXCEEDED',
          `${device.hostname}: ${device.platform}/${r.entrypoint} produced ${bytes} bytes, over the ${task.maxOutputBytes}-byte output cap`,
          {
            hostname: device.hostname,
            template: `${device.platform}/${r.entrypoint}`,
            budget: 'output',
          },
        );
      }
      results.push(r);
    } catch (err) {
      results.push(serializeError(err));
    }
  }
  return { results };
}
