/**
 * The template include graph, read from the templates themselves: `{% include %}`, `{% import %}`,
 * `{% from ... import %}` and `{% extends %}`, followed transitively. A name that is not a string literal
 * (a variable) cannot be resolved statically, so such a template is treated as depending on every file
 * of its platform: over-approximation is fine, a missed device is not.
 */
import { platformOf, resolveTemplatePath } from '../render/templatePath.ts';

const REFERENCE = /\{%-?\s*(?:include|import|from|extends)\s+(?:(["'])(.*?)\1|([^\s%]+))/g;

export interface TemplateRefs {
  names: string[];
  dynamic: boolean;
}

export function templateReferences(source: string): TemplateRefs {
  const names: string[] = [];
  let dynamic = false;
  for (const m of source.matchAll(REFERENCE)) {
    if (m[2] !== undefined) names.push(m[2]);
    else dynamic = true;
  }
  return { names, dynamic };
}

/** Every file the given roots use, the roots included, within one platform's view of the repo. */
export function templateClosure(platform: string, roots: string[], files: Map<string, string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const source = files.get(path);
    if (source === undefined) continue;
    const refs = templateReferences(source);
    if (refs.dynamic) for (const p of files.keys()) if (platformOf(p) === platform) stack.push(p);
    for (const name of refs.names) {
      const target = resolveTemplatePath(platform, name, (p) => files.has(p));
      // A reference to a missing file still counts: adding that file later changes the render.
      const clean = name.replace(/^\.?\/+/, '');
      if (target) stack.push(target);
      else stack.push(`${platform}/${clean}`, clean);
    }
  }
  return seen;
}
