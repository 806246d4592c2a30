// The build's second step: files the compiled code reads at run time beside its modules (the web
// interface's views and static files, the PostgreSQL store's SQL migrations), copied from src/ to dist/ so dist/ui/paths.js finds them.
import { cpSync } from 'node:fs';

for (const dir of ['ui/views', 'ui/static', 'store/postgres/migrations']) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
