/**
 * Where the web interface's files are at run time: next to this module, so the same code finds them from
 * src/ui/ under tsx and from dist/ui/ once compiled (the build copies src/ui/views and src/ui/static).
 * htmx and its SSE extension are served from their npm packages, so no copy of them lives in the repo.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));
export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
export const HTMX_FILE = require.resolve('htmx.org/dist/htmx.min.js');
export const HTMX_SSE_FILE = require.resolve('htmx-ext-sse/dist/sse.min.js');
