/**
 * The template include graph, read from the templates themselves: `{% include %}`, `{% import %}`,
 * `{% from ... import %}` and `{% extends %}`, followed transitively. A name that is not a string literal
 * (a variable) cannot be resolved statically, so such a template is treated as depending on every file
 * of its platform: over-approximation is fine, a missed device is not.
 */
import { platformOf, resolveTemplatePath, templateReferences } from '../render/templatePath.ts';

export type { TemplateRefs } from '../render/templatePath.ts';
export { templateReferences };

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
