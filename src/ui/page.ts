/** Renders a page or fragment with what every template needs: who is signed in, what they may do, the CSRF token. */
import type { Request, Response } from 'express';
import type nunjucks from 'nunjucks';
import { handOver } from '../render/sandbox/hardenNunjucks.ts';
import { principalOf } from './session.ts';

export type PageRenderer = (req: Request, res: Response, template: string, context?: Record<string, unknown>, status?: number) => void;

export function pageRenderer(env: nunjucks.Environment): PageRenderer {
  return (req, res, template, context = {}, status = 200) => {
    const principal = principalOf(req);
    const html = env.render(
      template,
      trusted({
        principal,
        canWrite: principal?.role === 'operator',
        csrfToken: req.csrfToken?.() ?? '',
        path: req.path,
        ...context,
      }),
    );
    res.status(status).type('html').send(html);
  };
}

/**
 * The nunjucks sandbox that keeps git's templates from calling functions is process-wide; the pages are
 * netsync's own templates, so the helper functions a page passes (links, formatters) are handed over.
 */
function trusted(context: Record<string, unknown>): Record<string, unknown> {
  for (const value of Object.values(context)) {
    if (typeof value === 'function') handOver(value as () => unknown);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.values(value)) if (typeof inner === 'function') handOver(inner as () => unknown);
    }
  }
  return context;
}

/** A string query parameter, or undefined (arrays and objects from crafted URLs are ignored). */
export function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A form field as a string ('' when missing or not a string). */
export function field(req: Request, name: string): string {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const v = body[name];
  return typeof v === 'string' ? v : '';
}
