/**
 * Secrets are shown only as placeholders. A device's config is rendered twice: once with the real secrets
 * (the text sent to the device, never shown) and once with `«secret:<name>»` in their place (the text every
 * diff, dry run, PR check, CLI and error shows). Whatever a template does to a secret (reverse, upper,
 * slice, join, urlencode, a loop over its characters, an include by its name) it does to the placeholder in
 * the shown render, so no transformation can carry the secret there.
 *
 * Text read back from a device (running configs, device error messages) only ever holds real values, so it
 * is masked with substitutions learnt from the two renders: each line (or block of lines) where they differ
 * maps to its placeholder counterpart, the differing part of such a line maps to its counterpart, and every
 * secret value maps to its placeholder. An unchanged secret line then reads the same on both sides of a diff.
 * A device that stores a secret transformed in a way no template did (hashed, encrypted) is not recognised
 * here; the shape mask (secretShapes.ts) covers the usual `password`/`secret`/`community` places.
 */
import { diffArrays } from 'diff';

/** One real -> shown replacement; `line`: replace only whole lines equal to `real` (short lines, e.g. one character). */
export interface SecretSubstitution {
  real: string;
  shown: string;
  line?: boolean;
}

/** Shorter values are not replaced inside other text: masking every "ab" would garble a config and hide little. */
export const MIN_MASKED_LENGTH = 3;

export function secretPlaceholder(name: string): string {
  return `«secret:${name}»`;
}

/** Substitutions for the secret values themselves (what an API-staged config or a log line can hold). */
export function valueSubstitutions(secrets: Record<string, string>): SecretSubstitution[] {
  return Object.entries(secrets)
    .filter(([, value]) => value.length > 0)
    .map(([name, value]) => ({ real: value, shown: secretPlaceholder(name) }));
}

/** The object handed to the shown render in place of `secrets`: each name maps to its placeholder. */
export function placeholderSecrets(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(secrets).map((name) => [name, secretPlaceholder(name)]));
}

const namesSecrets = new WeakMap<Map<string, string>, boolean>();

/**
 * Whether any file of a templates snapshot names `secrets`: a template reaches them only by that name (an
 * alias, a macro argument or an include all start from it), so without it the real render equals the shown
 * one and is skipped. Plain data in, so it holds whatever member lookup the nunjucks runtime allows.
 */
export function templatesNameSecrets(files: Map<string, string>): boolean {
  let hit = namesSecrets.get(files);
  if (hit === undefined) {
    hit = [...files.values()].some((text) => text.includes('secrets'));
    namesSecrets.set(files, hit);
  }
  return hit;
}

/** Time given to aligning the two renders; past it the whole differing region becomes one substitution. */
const ALIGN_TIMEOUT_MS = 200;

/** Substitutions learnt from the real and the shown render of one config (and the secret values). */
export function deriveSubstitutions(real: string, shown: string, secrets: Record<string, string>): SecretSubstitution[] {
  const out = valueSubstitutions(secrets);
  if (real === shown) return out;
  const a = real.split('\n');
  const b = shown.split('\n');
  const parts = diffArrays(a, b, { timeout: ALIGN_TIMEOUT_MS });
  if (!parts) {
    out.push(...regionPair(a, b));
    return out;
  }
  // A run of removed (real) lines next to a run of added (shown) lines is one differing region.
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    if (removed.length > 0) out.push(...pairs(removed, added));
    removed = [];
    added = [];
  };
  for (const part of parts) {
    if (part.removed) removed.push(...part.value);
    else if (part.added) added.push(...part.value);
    else flush();
  }
  flush();
  return out;
}

function pairs(real: string[], shown: string[]): SecretSubstitution[] {
  if (real.length !== shown.length) return [block(real.join('\n'), shown.join('\n'))];
  const out: SecretSubstitution[] = [];
  real.forEach((line, i) => {
    const other = shown[i]!;
    out.push({ real: line, shown: other, line: true });
    const middle = differingMiddle(line, other);
    if (middle && middle.real !== line) out.push(middle);
  });
  return out;
}

/** The text between the common start and the common end of two lines: the secret-derived part. */
function differingMiddle(real: string, shown: string): SecretSubstitution | undefined {
  let start = 0;
  while (start < real.length && start < shown.length && real[start] === shown[start]) start++;
  let end = 0;
  while (end < real.length - start && end < shown.length - start && real[real.length - 1 - end] === shown[shown.length - 1 - end]) end++;
  const middle = real.slice(start, real.length - end);
  return middle.length > 0 ? { real: middle, shown: shown.slice(start, shown.length - end) } : undefined;
}

function regionPair(a: string[], b: string[]): SecretSubstitution[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return [block(a.slice(start, a.length - end).join('\n'), b.slice(start, b.length - end).join('\n'))];
}

function block(real: string, shown: string): SecretSubstitution {
  return real.includes('\n') || real.length >= MIN_MASKED_LENGTH ? { real, shown } : { real, shown, line: true };
}

/**
 * Applies substitutions to device text in one pass (replaced text is never scanned again): whole-line
 * substitutions match only whole lines, the others anywhere; the longest real text wins.
 */
export function maskWithSubstitutions(text: string, subs: readonly SecretSubstitution[]): string {
  if (subs.length === 0 || text === '') return text;
  const to = new Map<string, string>();
  const alternatives: { real: string; source: string }[] = [];
  for (const s of subs) {
    const key = `${s.line ? 'L' : 'T'}${s.real}`;
    if (to.has(key) || (!s.line && s.real.length < MIN_MASKED_LENGTH) || s.real === '') continue;
    to.set(key, s.shown);
    alternatives.push({
      real: s.real,
      source: s.line ? `(?<=^|\n)(?<L${alternatives.length}>${escapeRegExp(s.real)})(?=\n|$)` : `(?<T${alternatives.length}>${escapeRegExp(s.real)})`,
    });
  }
  if (alternatives.length === 0) return text;
  alternatives.sort((x, y) => y.real.length - x.real.length);
  const pattern = new RegExp(alternatives.map((a) => a.source).join('|'), 'g');
  return text.replace(pattern, (m: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    const name = Object.keys(groups).find((k) => groups[k] !== undefined)!;
    return to.get(`${name[0]}${m}`) ?? m;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
