/**
 * Renders one device's intended config from parsed settings and templates (pure, synchronous, fast: the
 * snapshots are parsed once per commit pair and reused for every device).
 */
import { NetsyncError } from '../model/errors.ts';
import type { NetworkContext } from '../model/network.ts';
import { configHash, normalizeConfig } from './configHash.ts';
import { maskSecrets } from './maskSecrets.ts';
import { mergeSettings } from './mergeSettings.ts';
import type { SecretSubstitution } from './secretPlaceholders.ts';
import { deriveSubstitutions, maskWithSubstitutions, placeholderSecrets, templatesNameSecrets, valueSubstitutions } from './secretPlaceholders.ts';
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
  /**
   * The config rendered with `«secret:<name>»` in place of every secret (whatever the template did with
   * it): the only text to show (logs, API output, diffs, PR checks).
   */
  masked: string;
  /** How to mask text read back from the device so it lines up with `masked` (holds secrets: never show it). */
  secretSubstitutions: SecretSubstitution[];
  /** Over `config`, the real text: drift checks and change detection see a changed secret. */
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
  if (cycle)
    throw fail('include_cycle', `templates include each other in a loop: ${cycle.join(' -> ')}`, { platform: device.platform, entrypoint: mapping.entrypoint });
  const { settings, sources } = mergeSettings(device, inputs.settings, inputs.defaults);
  const secrets = inputs.secrets ?? {};
  const device_ = { hostname: device.hostname, type: device.type, platform: device.platform, groups: device.groups, managementIp: device.managementIp };
  const env = inputs.templates.environment(device.platform);
  const renderWith = (values: Record<string, string>) =>
    // Normalised so that the text sent to the device is exactly what the hash covers.
    normalizeConfig(env.render(mapping.entrypoint, { ...settings, device: device_, secrets: values }));
  // The shown render first: an error it raises can only hold placeholders.
  let masked: string;
  try {
    masked = renderWith(placeholderSecrets(secrets));
  } catch (err) {
    const raw = (err as Error).message;
    if (raw.includes(`${FORBIDDEN_MARK}: `)) throw forbiddenError(device, raw, secrets, `${device.platform}/${mapping.entrypoint}`);
    const explained = explainUndefined(raw, device.platform, inputs.templates.files) ?? raw.replace(/\s+/g, ' ').trim();
    // Masked before it is cut, so a cut never leaves part of a secret unmasked (a value written into settings).
    const message = shorten(maskSecrets(explained, secrets));
    throw fail('template_error', `rendering ${device.platform}/${mapping.entrypoint} failed: ${message}`, { entrypoint: mapping.entrypoint });
  }
  // A secret value written literally into settings or a template is shown as its placeholder too.
  const values = valueSubstitutions(secrets);
  // Templates that never name `secrets` render the same with the real ones.
  if (Object.keys(secrets).length === 0 || !templatesNameSecrets(inputs.templates.files)) {
    return {
      hostname: device.hostname,
      config: masked,
      masked: maskWithSubstitutions(masked, values),
      secretSubstitutions: values,
      hash: configHash(masked),
      entrypoint: mapping.entrypoint,
      sources,
    };
  }
  let config: string;
  try {
    config = renderWith(secrets);
  } catch {
    // The template failed only on the real values (e.g. it branches on one); its message may hold a secret.
    throw fail(
      'template_error',
      `rendering ${device.platform}/${mapping.entrypoint} failed with the real secrets but not with placeholders; the error is withheld because it may contain a secret value`,
      { entrypoint: mapping.entrypoint, secretDependent: true },
    );
  }
  return {
    hostname: device.hostname,
    config,
    masked: maskWithSubstitutions(masked, values),
    secretSubstitutions: deriveSubstitutions(config, masked, secrets),
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
  const reason = shorten(
    maskSecrets(
      raw
        .slice(mark + FORBIDDEN_MARK.length + 2)
        .split('\n')[0]!
        .trim(),
      secrets,
    ),
  );
  const line = /\(line (\d+)\)/.exec(reason)?.[1];
  return new NetsyncError('TEMPLATE_FORBIDDEN', `${device.hostname}: ${template}: ${reason}`, {
    hostname: device.hostname,
    template,
    ...(line ? { line: Number(line) } : {}),
  });
}
