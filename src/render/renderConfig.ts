/**
 * Renders one device's intended config from parsed settings and templates (pure, synchronous, fast: the
 * snapshots are parsed once per commit pair and reused for every device).
 */
import { NetsyncError } from '../model/errors.ts';
import type { NetworkContext } from '../model/network.ts';
import { configHash, normalizeConfig } from './configHash.ts';
import { maskSecrets } from './maskSecrets.ts';
import { mergeSettings } from './mergeSettings.ts';
import type { SettingsDoc, SettingsSnapshot } from './settingsSnapshot.ts';
import type { TemplatesSnapshot } from './templatesSnapshot.ts';
import { explainUndefined } from './undefinedValue.ts';
import { TemplateForbiddenError } from './sandbox/hardenNunjucks.ts';

const FORBIDDEN_MARK = new TemplateForbiddenError('').name;

export interface RenderTarget {
  hostname: string;
  type: string;
  platform: string;
  groups: string[];
  managementIp?: string;
  /** The inventory's network data for this device (interfaces, linknets, management domain, neighbours). */
  network?: NetworkContext;
}

export interface RenderedConfig {
  hostname: string;
  /** The config as it goes to the device: may contain secrets. Never log or return it; use `masked`. */
  config: string;
  /** The same text with every secret replaced by ********: safe for logs, API output and diffs. */
  masked: string;
  hash: string;
  entrypoint: string;
  /** Settings files merged, in order. */
  sources: string[];
}

export interface RenderInputs {
  settings: SettingsSnapshot;
  templates: TemplatesSnapshot;
  secrets?: Record<string, string>;
  defaults?: SettingsDoc;
}

export function renderConfig(device: RenderTarget, inputs: RenderInputs): RenderedConfig {
  const platform = inputs.templates.platforms.get(device.platform);
  const fail = (reason: string, message: string, data: Record<string, unknown> = {}) =>
    new NetsyncError('RENDER_FAILED', `${device.hostname}: ${message}`, { hostname: device.hostname, reason, ...data });
  if (!platform) throw fail('no_platform', `the templates repo has no ${device.platform}/mapping.yml`, { platform: device.platform });
  if (platform.problem) throw fail('bad_mapping', platform.problem, { platform: device.platform });
  const mapping = platform.types.get(device.type.toUpperCase());
  if (!mapping) {
    throw fail('no_type', `${device.platform}/mapping.yml has no entry for device type ${device.type}`, { platform: device.platform, type: device.type });
  }
  const cycle = inputs.templates.includeCycle(device.platform, mapping.entrypoint);
  if (cycle) throw fail('include_cycle', `templates include each other in a loop: ${cycle.join(' -> ')}`, { platform: device.platform, entrypoint: mapping.entrypoint });
  const { settings, sources } = mergeSettings(device, inputs.settings, inputs.defaults);
  const secrets = inputs.secrets ?? {};
  const context = {
    ...settings,
    device: { hostname: device.hostname, type: device.type, platform: device.platform, groups: device.groups, managementIp: device.managementIp },
    secrets,
  };
  let config: string;
  try {
    // Normalised so that the text sent to the device is exactly what the hash covers.
    config = normalizeConfig(inputs.templates.environment(device.platform).render(mapping.entrypoint, context));
  } catch (err) {
    // Masked before it is cut, so a cut never leaves part of a secret unmasked.
    const raw = (err as Error).message;
    if (raw.includes(`${FORBIDDEN_MARK}: `)) throw forbiddenError(device, raw, secrets, `${device.platform}/${mapping.entrypoint}`);
    const explained = explainUndefined(raw, device.platform, inputs.templates.files) ?? raw.replace(/\s+/g, ' ').trim();
    const message = shorten(maskSecrets(explained, secrets));
    throw fail('template_error', `rendering ${device.platform}/${mapping.entrypoint} failed: ${message}`, { entrypoint: mapping.entrypoint });
  }
  return {
    hostname: device.hostname,
    config,
    masked: maskSecrets(config, secrets),
    hash: configHash(config),
    entrypoint: mapping.entrypoint,
    sources,
  };
}

const MAX_MESSAGE = 1000;

/**
 * nunjucks wraps an error once per template it passes through, so an include loop gives megabytes of
 * "(a.j2) Template render error: (b.j2) ..." before "Maximum call stack size exceeded", and the message goes
 * into events, repo events and PR statuses. Keep the start (the first location) and the end (the cause).
 */
function shorten(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  return `${message.slice(0, 300)} … ${message.slice(-(MAX_MESSAGE - 305))}`;
}

const LOCATION = /\(([^()\s]+)\)/g;

/**
 * The sandbox refused something (wall 1): the innermost template nunjucks names is the last one before the
 * reason; the reason carries the line.
 */
function forbiddenError(device: RenderTarget, raw: string, secrets: Record<string, string>, entrypoint: string): NetsyncError {
  const mark = raw.indexOf(`${FORBIDDEN_MARK}: `);
  const template = [...raw.slice(0, mark).matchAll(LOCATION)].at(-1)?.[1] ?? entrypoint;
  const reason = shorten(maskSecrets(raw.slice(mark + FORBIDDEN_MARK.length + 2).split('\n')[0]!.trim(), secrets));
  const line = /\(line (\d+)\)/.exec(reason)?.[1];
  return new NetsyncError('TEMPLATE_FORBIDDEN', `${device.hostname}: ${template}: ${reason}`, { hostname: device.hostname, template, ...(line ? { line: Number(line) } : {}) });
}
