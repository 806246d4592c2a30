/**
 * A templates repo at one commit: one folder per platform, each with a `mapping.yml`
 * `{ <TYPE>: { entrypoint: access.j2, dependencies: [base.j2, "acl/*.j2"] } }`, and one nunjucks
 * environment per platform whose loader reads from the snapshot (never from disk), so the same code
 * renders a commit, a pre-receive quarantine or a test fixture.
 */
import nunjucks from 'nunjucks';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { InputLimits } from './inputLimits.ts';
import { aliasProblem, DEFAULT_INPUT_LIMITS, fileSizeProblem, repoSizeProblem, yamlDepthProblem } from './inputLimits.ts';
import { platformOf, referencesOf, resolveTemplatePath } from './templatePath.ts';
import { sandboxEnvironment } from './sandbox/hardenNunjucks.ts';
import { yamlErrorText } from '../model/yamlError.ts';

export interface TypeMapping {
  entrypoint: string;
  dependencies: string[];
}

export interface PlatformTemplates {
  platform: string;
  /** Device type (upper case) -> mapping. */
  types: Map<string, TypeMapping>;
  problem?: string;
}

export interface TemplatesSnapshot {
  files: Map<string, string>;
  platforms: Map<string, PlatformTemplates>;
  /** Files (or the whole repo, `(all files)`) over the input limits: a push holding any is refused. */
  problems: { path: string; message: string }[];
  /** One environment per platform, created on first use and kept for the snapshot's life (templates compile once). */
  environment(platform: string): nunjucks.Environment;
  /** A chain of literal references from the entrypoint back to a template already on it (`a.j2 -> b.j2 -> a.j2`), if any. */
  includeCycle(platform: string, entrypoint: string): string[] | undefined;
}

const mappingSchema = z.record(z.string(), z.object({ entrypoint: z.string().min(1), dependencies: z.array(z.string()).default([]) }).strict());

/** The part of a templates snapshot that parsing produces (what a render process sends back). */
export type ParsedTemplates = Pick<TemplatesSnapshot, 'platforms' | 'problems'>;

export function parseTemplates(files: Map<string, string>, limits: InputLimits = DEFAULT_INPUT_LIMITS): TemplatesSnapshot {
  return assembleTemplates(files, parseTemplateMappings(files, limits), limits);
}

/** The mappings (YAML, the costly part) and the files over the limits. */
export function parseTemplateMappings(files: Map<string, string>, limits: InputLimits = DEFAULT_INPUT_LIMITS): ParsedTemplates {
  const platforms = new Map<string, PlatformTemplates>();
  const problems: { path: string; message: string }[] = [];
  const tooBig = repoSizeProblem(files, limits);
  if (tooBig) problems.push({ path: '(all files)', message: tooBig });
  for (const [path, text] of tooBig ? [] : files) {
    const tooLarge = fileSizeProblem(text, limits);
    if (tooLarge) problems.push({ path, message: tooLarge });
    const platform = platformOf(path);
    if (!platform || path !== `${platform}/mapping.yml`) continue;
    platforms.set(platform, parseMapping(platform, text, limits));
  }
  return { platforms, problems };
}

/** A snapshot from its files and their parse (made here or in a render process). */
export function assembleTemplates(
  files: Map<string, string>,
  { platforms, problems }: ParsedTemplates,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): TemplatesSnapshot {
  const envs = new Map<string, nunjucks.Environment>();
  const cycles = new Map<string, string[] | undefined>();
  return {
    files,
    platforms,
    problems,
    includeCycle(platform, entrypoint) {
      const key = `${platform}\u0000${entrypoint}`;
      if (!cycles.has(key)) cycles.set(key, findCycle(platform, entrypoint, files));
      return cycles.get(key);
    },
    environment(platform) {
      let env = envs.get(platform);
      if (!env) {
        env = sandboxEnvironment(
          new nunjucks.Environment(snapshotLoader(platform, files, limits), {
            autoescape: false,
            trimBlocks: true,
            lstripBlocks: true,
            throwOnUndefined: true,
          }),
        );
        envs.set(platform, env);
      }
      return env;
    },
  };
}

export function parseMapping(platform: string, text: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): PlatformTemplates {
  const over = fileSizeProblem(text, limits) ?? yamlDepthProblem(text, limits);
  if (over) return { platform, types: new Map(), problem: `${platform}/mapping.yml: ${over}` };
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: limits.yamlAliases });
  } catch (err) {
    const aliases = aliasProblem(err as Error, limits);
    return { platform, types: new Map(), problem: `${platform}/mapping.yml${aliases ? `: ${aliases}` : ` is not valid YAML: ${yamlErrorText(err)}`}` };
  }
  const result = mappingSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { platform, types: new Map(), problem: `${platform}/mapping.yml is invalid: ${issues}` };
  }
  const types = new Map(Object.entries(result.data).map(([type, m]) => [type.toUpperCase(), m]));
  return { platform, types };
}

function snapshotLoader(platform: string, files: Map<string, string>, limits: InputLimits): nunjucks.ILoader {
  return {
    getSource(name: string) {
      const path = resolveTemplatePath(platform, name, (p) => files.has(p));
      // "Not found" is null, not a throw, so `{% include "x" ignore missing %}` renders nothing as in nunjucks;
      // without `ignore missing` nunjucks itself fails with "template not found: x".
      if (!path) return null;
      const src = files.get(path)!;
      const tooLarge = fileSizeProblem(src, limits);
      if (tooLarge) throw new Error(`${path}: ${tooLarge}`);
      // nunjucks reports a syntax error in an *included* template asynchronously (an uncaught throw from
      // its task queue); compiling here first turns it into a synchronous, catchable error.
      new nunjucks.Template(src, undefined, path, true);
      return { src, path, noCache: false };
    },
  } as nunjucks.ILoader;
}

/**
 * nunjucks follows an include (import, extends) loop until the stack runs out, building a message of
 * megabytes on the way (seconds of CPU per device), so a loop is found first, by depth-first search over
 * literal references. A loop guarded by a condition counts too: templates for configs do not recurse.
 */
function findCycle(platform: string, entrypoint: string, files: Map<string, string>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return undefined;
    path.push(file);
    for (const name of referencesOf(files, file).names) {
      const next = resolveTemplatePath(platform, name, (p) => files.has(p));
      const cycle = next ? visit(next) : undefined;
      if (cycle) return cycle;
    }
    path.pop();
    done.add(file);
    return undefined;
  };
  const start = resolveTemplatePath(platform, entrypoint, (p) => files.has(p));
  return start ? visit(start) : undefined;
}
