/**
 * A settings repo at one commit, parsed and validated once: every YAML file under the CNaaS folders
 * (global/, fabric/, access/, dist/, core/ or any type folder, groups/<g>/, devices/<hostname>/).
 * Problems are collected, not thrown, so one report can name every bad file.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isMergeablePath } from './mergeSettings.ts';
import type { InputLimits } from './inputLimits.ts';
import { aliasProblem, DEFAULT_INPUT_LIMITS, fileSizeProblem, repoSizeProblem, yamlDepthProblem } from './inputLimits.ts';
import { yamlErrorText } from '../model/yamlError.ts';

export type SettingsDoc = Record<string, unknown>;

export interface SettingsProblem {
  path: string;
  /** yaml_syntax | schema | duplicate_vlan | duplicate_interface | not_a_mapping | too_large | too_deep | too_many_aliases | over_budget */
  kind: string;
  message: string;
}

export interface SettingsSnapshot {
  /** The raw files, kept so the next commit can reuse every unchanged file's parse. */
  files: Map<string, string>;
  /** Parsed documents by path, sorted by path. */
  docs: Map<string, SettingsDoc>;
  problems: SettingsProblem[];
  /** Group name (lower case) -> priority from global/groups.yml; higher wins (merged later). */
  groupPriority: Map<string, number>;
}

const vlanId = z.number().int().min(1).max(4094);
const settingsDocSchema = z
  .object({
    hostname: z.string().min(1).optional(),
    vlans: z.array(z.object({ id: vlanId, name: z.string().min(1) }).passthrough()).optional(),
    interfaces: z
      .array(
        z
          .object({
            name: z.string().min(1),
            description: z.string().optional(),
            vlan: vlanId.optional(),
            enabled: z.boolean().optional(),
          })
          .passthrough(),
      )
      .optional(),
    groups: z.array(z.object({ group: z.object({ name: z.string().min(1), group_priority: z.number().int().optional() }).passthrough() })).optional(),
  })
  .passthrough();

/** A YAML file that a device's settings merge can take (mergeSettings.ts decides which). */
export function isSettingsFile(path: string): boolean {
  return /\.ya?ml$/i.test(path) && !path.startsWith('.') && isMergeablePath(path);
}

/** The path a problem with the whole repo (its size) is reported under. */
export const WHOLE_REPO = '(all files)';

/**
 * `previous`: a snapshot of another commit; files with the same text reuse its parse (a push changes few
 * files). Files over the input limits are not parsed; a repo over the size limit is not parsed at all.
 */
export function parseSettings(files: Map<string, string>, previous?: SettingsSnapshot, limits: InputLimits = DEFAULT_INPUT_LIMITS): SettingsSnapshot {
  const docs = new Map<string, SettingsDoc>();
  const problems: SettingsProblem[] = [];
  const tooBig = repoSizeProblem(files, limits);
  if (tooBig) return { files, docs, problems: [{ path: WHOLE_REPO, kind: 'too_large', message: tooBig }], groupPriority: new Map() };
  const previousProblems = new Map<string, SettingsProblem[]>();
  for (const p of previous?.problems ?? []) previousProblems.set(p.path, [...(previousProblems.get(p.path) ?? []), p]);
  for (const [path, text] of files) {
    // Other files are not parsed, but a file over the size limit is refused wherever it is.
    const tooLarge = isSettingsFile(path) ? undefined : fileSizeProblem(text, limits);
    if (tooLarge) problems.push({ path, kind: 'too_large', message: tooLarge });
  }
  for (const path of [...files.keys()].filter(isSettingsFile).sort()) {
    const text = files.get(path)!;
    if (previous && previous.files.get(path) === text) {
      const doc = previous.docs.get(path);
      if (doc) docs.set(path, doc);
      problems.push(...(previousProblems.get(path) ?? []));
      continue;
    }
    const doc = parseDoc(path, text, problems, limits);
    if (doc) docs.set(path, doc);
  }
  return { files, docs, problems, groupPriority: groupPriorities(docs) };
}

function parseDoc(path: string, text: string, problems: SettingsProblem[], limits: InputLimits): SettingsDoc | undefined {
  const tooLarge = fileSizeProblem(text, limits);
  if (tooLarge) {
    problems.push({ path, kind: 'too_large', message: tooLarge });
    return undefined;
  }
  const tooDeep = yamlDepthProblem(text, limits);
  if (tooDeep) {
    problems.push({ path, kind: 'too_deep', message: tooDeep });
    return undefined;
  }
  let value: unknown;
  try {
    value = parseYaml(text, { uniqueKeys: true, maxAliasCount: limits.yamlAliases });
  } catch (err) {
    const aliases = aliasProblem(err as Error, limits);
    problems.push(aliases ? { path, kind: 'too_many_aliases', message: aliases } : { path, kind: 'yaml_syntax', message: yamlErrorText(err) });
    return undefined;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ path, kind: 'not_a_mapping', message: 'a settings file must be a YAML mapping (key: value)' });
    return undefined;
  }
  const result = settingsDocSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push({ path, kind: 'schema', message: `${issue.path.join('.')}: ${issue.message}` });
    return undefined;
  }
  const doc = value as SettingsDoc;
  duplicates(doc.vlans, 'id').forEach((id) => problems.push({ path, kind: 'duplicate_vlan', message: `VLAN id ${id} is defined twice` }));
  duplicates(doc.interfaces, 'name').forEach((name) => problems.push({ path, kind: 'duplicate_interface', message: `interface ${name} is defined twice` }));
  return doc;
}

function duplicates(list: unknown, key: string): unknown[] {
  if (!Array.isArray(list)) return [];
  const seen = new Set<unknown>();
  const dup: unknown[] = [];
  for (const item of list as Record<string, unknown>[]) {
    const k = typeof item[key] === 'string' ? (item[key] as string).toLowerCase() : item[key];
    if (seen.has(k)) dup.push(item[key]);
    seen.add(k);
  }
  return dup;
}

/** CNaaS style: global/groups.yml `groups: [{group: {name, group_priority}}]`. */
function groupPriorities(docs: Map<string, SettingsDoc>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [path, doc] of docs) {
    if (!path.startsWith('global/') || !Array.isArray(doc.groups)) continue;
    for (const entry of doc.groups as { group: { name: string; group_priority?: number } }[]) {
      out.set(entry.group.name.toLowerCase(), entry.group.group_priority ?? 0);
    }
  }
  return out;
}
