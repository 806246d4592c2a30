/**
 * Which template names a template can reach through `{% include %}`, `{% import %}`, `{% from %}` and
 * `{% extends %}`, read from nunjucks' own parser (its AST), so comments, `{% raw %}` blocks and string
 * literals never count and every form of the name is understood. A name that is not fully static becomes
 * a pattern: `"acl/" ~ profile ~ ".j2"` can name any `acl/*.j2`, `"a.j2" if x else "b.j2"` names both, a
 * variable or a filter's output can name any file. Over-approximation is fine, a missed device is not.
 */
import nunjucks from 'nunjucks';

/** A template name as literal text and holes (`null`: any text, `/` included). */
export type NamePattern = readonly (string | null)[];

export interface TemplateRefs {
  /** Names known exactly (`{% include "a.j2" %}`, each branch of an inline if). */
  names: string[];
  /** Names known only in part; `[null]` is a name that can be anything. */
  patterns: NamePattern[];
}

/** Alternatives kept per reference before it is widened to "any name" (a chain of conditionals multiplies them). */
const MAX_ALTERNATIVES = 64;
const ANY: NamePattern = [null];

interface AstNode {
  typename: string;
  value?: unknown;
  children?: AstNode[];
  template?: AstNode;
  left?: AstNode;
  right?: AstNode;
  body?: AstNode;
  else_?: AstNode | null;
  [field: string]: unknown;
}

const REFERENCE_NODES = ['Include', 'Import', 'FromImport', 'Extends'];

export function templateReferences(source: string): TemplateRefs {
  let root: AstNode;
  try {
    root = (nunjucks as unknown as { parser: { parse(src: string): AstNode } }).parser.parse(source);
  } catch {
    // A template nunjucks cannot parse fails every render that reaches it; it can name nothing we could know.
    return { names: [], patterns: [ANY] };
  }
  const names: string[] = [];
  const patterns: NamePattern[] = [];
  for (const node of referenceNodes(root)) {
    for (const pattern of namesOf(node.template)) {
      if (pattern.every((part) => part !== null)) names.push(pattern.join(''));
      else patterns.push(pattern);
    }
  }
  return { names: [...new Set(names)], patterns: dedupe(patterns) };
}

const parsedByRepo = new WeakMap<Map<string, string>, Map<string, TemplateRefs>>();

/**
 * The references of one file of a templates snapshot, parsed once per snapshot: the include graph and the
 * include-loop check visit each file once per (platform, device type), and a parse costs about a millisecond.
 */
export function referencesOf(files: Map<string, string>, path: string): TemplateRefs {
  let parsed = parsedByRepo.get(files);
  if (!parsed) parsedByRepo.set(files, (parsed = new Map()));
  let refs = parsed.get(path);
  if (!refs) parsed.set(path, (refs = templateReferences(files.get(path) ?? '')));
  return refs;
}

/** A test for the paths (relative to where a name is resolved from) that the pattern can name. */
export function patternMatcher(pattern: NamePattern): (path: string) => boolean {
  const re = toRegExp(pattern);
  return (path) => re.test(path);
}

function referenceNodes(root: AstNode): AstNode[] {
  const found: AstNode[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    if (typeof n.typename !== 'string') return;
    if (REFERENCE_NODES.includes(n.typename)) found.push(n);
    if (Array.isArray(n.children)) n.children.forEach(visit);
    const fields = (n as { fields?: string[] }).fields ?? [];
    for (const field of fields) visit(n[field]);
  };
  visit(root);
  return found;
}

/** Every name an expression can evaluate to, as patterns. */
function namesOf(expr: AstNode | undefined): NamePattern[] {
  if (!expr) return [ANY];
  switch (expr.typename) {
    case 'Literal':
      return expr.value === null || expr.value === undefined ? [] : [[String(expr.value)]];
    case 'Group':
      return expr.children?.length === 1 ? namesOf(expr.children[0]) : [ANY];
    case 'InlineIf': {
      // A missing else gives undefined, which names no template.
      const alternatives = [...namesOf(expr.body), ...(expr.else_ ? namesOf(expr.else_) : [])];
      return alternatives.length > MAX_ALTERNATIVES ? [ANY] : alternatives;
    }
    case 'Concat':
    case 'Add':
      return concat(namesOf(expr.left), namesOf(expr.right));
    default:
      // Variables, lookups, filters, calls: any text.
      return [ANY];
  }
}

function concat(left: NamePattern[], right: NamePattern[]): NamePattern[] {
  if (left.length * right.length > MAX_ALTERNATIVES) return [ANY];
  const out: NamePattern[] = [];
  for (const l of left) for (const r of right) out.push(normalize([...l, ...r]));
  return out;
}

/** Joins adjacent literal parts and adjacent holes. */
function normalize(parts: (string | null)[]): NamePattern {
  const out: (string | null)[] = [];
  for (const part of parts) {
    const last = out.length > 0 ? out[out.length - 1] : undefined;
    if (part === null && last === null) continue;
    if (part !== null && typeof last === 'string') out[out.length - 1] = last + part;
    else if (part !== '') out.push(part);
  }
  return out;
}

function dedupe(patterns: NamePattern[]): NamePattern[] {
  const seen = new Map<string, NamePattern>();
  for (const p of patterns) seen.set(JSON.stringify(p), p);
  return [...seen.values()];
}

function toRegExp(pattern: NamePattern): RegExp {
  // Names are resolved after dropping a leading "./" or "/" (templatePath.ts), which a hole may produce too.
  const body = pattern.map((part) => (part === null ? '[\\s\\S]*' : escapeRegExp(part))).join('');
  return new RegExp(`^(?:\\.?/+)?${body}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
