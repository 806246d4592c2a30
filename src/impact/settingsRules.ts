/**
 * Settings path rules (docs/design/architecture.md §4), read from mapping/settings.yml: which settings file affects which devices
 * is data, not code. A rule is `{path, select}`; `path` is a glob with `*`, `**` and `{placeholder}` parts,
 * and `select` is `all` or `{type|group|hostname: value or [values]}` where values may use the placeholders.
 * Every matching rule applies (a file can select through several rules).
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { NetsyncError } from '../model/errors.ts';
import { yamlErrorText } from '../model/yamlError.ts';

export type SelectorField = 'type' | 'group' | 'hostname';
export type Selector = 'all' | Partial<Record<SelectorField, string[]>>;

export interface SettingsRule {
  path: string;
  select: 'all' | Partial<Record<SelectorField, string | string[]>>;
  regex: RegExp;
}

const valueSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const ruleSchema = z
  .object({
    path: z.string().min(1),
    select: z.union([z.literal('all'), z.object({ type: valueSchema.optional(), group: valueSchema.optional(), hostname: valueSchema.optional() }).strict()]),
  })
  .strict();

export function parseSettingsRules(text: string, source = 'mapping/settings.yml'): SettingsRule[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new NetsyncError('CONFIG_INVALID', `${source} is not valid YAML: ${yamlErrorText(err)}`, { source });
  }
  const result = z.array(ruleSchema).safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `rule ${i.path.join('.')}: ${i.message}`);
    throw new NetsyncError('CONFIG_INVALID', `${source} is invalid: ${problems.join('; ')}`, { source, problems });
  }
  return result.data.map((r) => ({ ...r, regex: compilePathPattern(r.path) }));
}

/** `groups/{group}/**` -> /^groups\/(?<group>[^/]+)\/.*$/ ; `*` stays inside one folder. */
export function compilePathPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` may match zero folders; a trailing `**` matches anything below.
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      const name = pattern.slice(i + 1, end);
      if (end < 0 || !/^[a-z]+$/.test(name)) throw new NetsyncError('CONFIG_INVALID', `bad placeholder in rule path '${pattern}'`, { pattern });
      re += `(?<${name}>[^/]+)`;
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The selectors a changed path produces, each with the rule that produced it. */
export function selectorsFor(path: string, rules: SettingsRule[]): { rule: SettingsRule; selector: Selector }[] {
  const out: { rule: SettingsRule; selector: Selector }[] = [];
  for (const rule of rules) {
    const m = rule.regex.exec(path);
    if (!m) continue;
    if (rule.select === 'all') {
      out.push({ rule, selector: 'all' });
      continue;
    }
    const groups = m.groups ?? {};
    const fill = (v: string) => v.replace(/\{([a-z]+)\}/g, (_all, name: string) => groups[name] ?? '');
    const selector: Partial<Record<SelectorField, string[]>> = {};
    for (const [field, value] of Object.entries(rule.select) as [SelectorField, string | string[]][]) {
      selector[field] = (Array.isArray(value) ? value : [value]).map(fill);
    }
    out.push({ rule, selector });
  }
  return out;
}

export function selectorKey(selector: Selector): string {
  if (selector === 'all') return 'all';
  return (['type', 'group', 'hostname'] as const).map((f) => `${f}=${(selector[f] ?? []).map((v) => v.toLowerCase()).join(',')}`).join(';');
}
