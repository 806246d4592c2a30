/**
 * The web interface's own nunjucks Environment (not the one that renders device templates): autoescape on,
 * templates only from VIEWS_DIR, filters for times, commits and diffs.
 */
import nunjucks from 'nunjucks';
import type { Clock } from '../model/ports.ts';
import { absoluteTime, duration, relativeTime, shortSha } from './format.ts';
import { VIEWS_DIR } from './paths.ts';

export interface DiffLine {
  kind: 'add' | 'del' | 'hunk' | 'meta' | 'ctx';
  text: string;
}

export function diffLines(diff: string | undefined): DiffLine[] {
  if (!diff) return [];
  return diff.split('\n').map((text) => {
    if (text.startsWith('+++') || text.startsWith('---') || text.startsWith('Index:') || text.startsWith('====')) return { kind: 'meta', text };
    if (text.startsWith('@@')) return { kind: 'hunk', text };
    if (text.startsWith('+')) return { kind: 'add', text };
    if (text.startsWith('-')) return { kind: 'del', text };
    return { kind: 'ctx', text };
  });
}

export function createViewEnv(clock: Clock, options: { watch?: boolean } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: options.watch ?? false });
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  env.addFilter('reltime', (iso: string | null | undefined) => (iso ? relativeTime(iso, clock()) : ''));
  env.addFilter('abstime', (iso: string | null | undefined) => (iso ? absoluteTime(iso) : ''));
  env.addFilter('sha', (sha: string | null | undefined) => shortSha(sha));
  env.addFilter('duration', (seconds: number) => duration(seconds));
  env.addFilter('difflines', (diff: string | undefined) => diffLines(diff));
  return env;
}
