/**
 * Which (platform, device type) pairs use each templates-repo file: the entrypoint and declared
 * dependencies (globs allowed) of `<platform>/mapping.yml`, plus everything they include transitively.
 */
import picomatch from 'picomatch';
import type { TemplatesSnapshot } from '../render/templatesSnapshot.ts';
import { platformOf } from '../render/templatePath.ts';
import { templateClosure } from './includeGraph.ts';

export type TemplateVia = 'mapping' | 'entrypoint' | 'dependency' | 'include';

export interface TemplateUse {
  platform: string;
  type: string;
  via: TemplateVia;
}

export type TemplateIndex = Map<string, TemplateUse[]>;

export function buildTemplateIndex(snapshot: Pick<TemplatesSnapshot, 'files' | 'platforms'>): TemplateIndex {
  const index: TemplateIndex = new Map();
  const add = (path: string, use: TemplateUse) => {
    const list = index.get(path);
    if (list) list.push(use);
    else index.set(path, [use]);
  };
  const paths = [...snapshot.files.keys()];
  for (const [platform, { types }] of snapshot.platforms) {
    const inPlatform = paths.filter((p) => platformOf(p) === platform).map((p) => p.slice(platform.length + 1));
    for (const [type, mapping] of types) {
      add(`${platform}/mapping.yml`, { platform, type, via: 'mapping' });
      const entry = `${platform}/${mapping.entrypoint}`;
      const declared = new Set<string>();
      for (const dep of mapping.dependencies) {
        const isMatch = picomatch(dep);
        const matched = inPlatform.filter((p) => isMatch(p));
        // A declared dependency that matches nothing yet still covers the file when it appears.
        for (const p of matched.length > 0 || /[*?[{]/.test(dep) ? matched : [dep]) declared.add(`${platform}/${p}`);
      }
      const roots = [entry, ...declared];
      for (const path of templateClosure(platform, roots, snapshot.files)) {
        add(path, { platform, type, via: path === entry ? 'entrypoint' : declared.has(path) ? 'dependency' : 'include' });
      }
    }
  }
  return index;
}

/** Glob dependencies also cover files that do not exist yet (a new `acl/x.j2`). */
export function globUses(snapshot: Pick<TemplatesSnapshot, 'platforms'>, path: string): TemplateUse[] {
  const platform = platformOf(path);
  const templates = platform ? snapshot.platforms.get(platform) : undefined;
  if (!platform || !templates) return [];
  const rel = path.slice(platform.length + 1);
  const out: TemplateUse[] = [];
  for (const [type, mapping] of templates.types) {
    if (mapping.dependencies.some((dep) => picomatch(dep)(rel))) out.push({ platform, type, via: 'dependency' });
  }
  return out;
}
