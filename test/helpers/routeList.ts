/**
 * The routes an express application answers, as `METHOD /path/:param` pairs, read from its router stack
 * (express 5 / router 2: `rawPath` of mounted routers, `route.path` and `route.methods` of routes). Used to
 * fuzz every route, so a route added later is fuzzed without anyone listing it. Test-only: it reads router internals.
 */
import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  path: string;
}

interface LayerLike {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

export function listRoutes(app: Express): RouteEntry[] {
  const stack = (app as unknown as { router: { stack: LayerLike[] } }).router.stack;
  const out: RouteEntry[] = [];
  walk(stack, '', out);
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

function walk(stack: LayerLike[], prefix: string, out: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route && typeof layer.route.path === 'string') {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path) });
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, join(prefix, mount), out);
    }
  }
}

function join(a: string, b: string): string {
  return `${a}${b}`.replace(/\/+/g, '/') || '/';
}
