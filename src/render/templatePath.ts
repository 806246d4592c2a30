/**
 * How a template name used in `{% include "x" %}` (or as an entrypoint) maps to a path in the templates
 * repo: first inside the device's platform folder, then from the repo root (shared snippets), and which
 * names a template references. The renderer (loader, include-cycle check) and the impact include graph both
 * use this, so they can never disagree about which file is meant.
 */
export function resolveTemplatePath(platform: string, name: string, exists: (path: string) => boolean): string | undefined {
  const clean = name.replace(/^\.?\/+/, '');
  const inPlatform = `${platform}/${clean}`;
  if (exists(inPlatform)) return inPlatform;
  if (exists(clean)) return clean;
  return undefined;
}

/** The platform a templates-repo path belongs to: its first folder (`eos/access.j2` -> `eos`). */
export function platformOf(path: string): string | undefined {
  const slash = path.indexOf('/');
  return slash > 0 ? path.slice(0, slash) : undefined;
}

export type { NamePattern, TemplateRefs } from './templateRefs.ts';
export { patternMatcher, referencesOf, templateReferences } from './templateRefs.ts';
