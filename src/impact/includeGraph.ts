/**
 * The template include graph, read from the templates themselves (nunjucks' parser): `{% include %}`,
 * `{% import %}`, `{% from ... import %}` and `{% extends %}`, followed transitively. A name that is not
 * fully static (a concatenation, a variable, a filter) counts as every file it could name under the
 * resolution rules (the platform folder first, then the repo root): over-approximation is fine, a missed
 * device is not.
 */
import type { NamePattern } from '../render/templatePath.ts';
import { patternMatcher, referencesOf, resolveTemplatePath, templateReferences } from '../render/templatePath.ts';

export type { TemplateRefs } from '../render/templatePath.ts';
export { templateReferences };

/** Every file the given roots use, the roots included, within one platform's view of the repo. */
export function templateClosure(platform: string, roots: string[], files: Map<string, string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  const prefix = `${platform}/`;
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    if (!files.has(path)) continue;
    const refs = referencesOf(files, path);
    for (const name of refs.names) {
      const target = resolveTemplatePath(platform, name, (p) => files.has(p));
      // A reference to a missing file still counts: adding that file later changes the render.
      const clean = name.replace(/^\.?\/+/, '');
      if (target) stack.push(target);
      else stack.push(`${platform}/${clean}`, clean);
    }
    for (const pattern of refs.patterns) stack.push(...filesNamedBy(pattern, prefix, files));
  }
  return seen;
}

/** The files a partly known name can resolve to: in the platform folder, or from the repo root. */
function filesNamedBy(pattern: NamePattern, platformPrefix: string, files: Map<string, string>): string[] {
  const matches = patternMatcher(pattern);
  const out: string[] = [];
  for (const p of files.keys()) {
    if ((p.startsWith(platformPrefix) && matches(p.slice(platformPrefix.length))) || matches(p)) out.push(p);
  }
  return out;
}
