/** Starts a real daemon (real HTTP, real lowdb file) in a temp dir for integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.ts';
import type { LoadedConfig } from '../../src/config/load.ts';
import { createDaemon } from '../../src/compose/daemon.ts';
import type { Daemon, DaemonOptions } from '../../src/compose/daemon.ts';
import { silentLogger } from '../../src/model/ports.ts';

export const OPERATOR_TOKEN = 'operator-token-0123456789';
export const READ_TOKEN = 'read-only-token-0123456789';

export interface TestDaemon {
  daemon: Daemon;
  url: string;
  dir: string;
  /** JSON request; returns status and parsed body. Token defaults to the operator token; pass null for none. */
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function tempDir(prefix = 'netsync-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function testConfig(dir: string, extra: Record<string, unknown> = {}): LoadedConfig {
  const config = parseConfig({
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: dir,
    api: {
      tokens: [
        { name: 'ops', token: OPERATOR_TOKEN, role: 'operator' },
        { name: 'noc', token: READ_TOKEN, role: 'read' },
      ],
    },
    ...extra,
  });
  return { config, baseDir: dir, resolvePath: (p) => (p.startsWith('/') ? p : join(dir, p)) };
}

export async function startTestDaemon(options: { dir?: string; extra?: Record<string, unknown> } & DaemonOptions = {}): Promise<TestDaemon> {
  const dir = options.dir ?? (await tempDir());
  const daemon = await createDaemon(testConfig(dir, options.extra), {
    logger: options.logger ?? silentLogger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const address = await daemon.listen();
  const url = `http://127.0.0.1:${address.port}`;
  return {
    daemon,
    url,
    dir,
    async call(method, path, body, token = OPERATOR_TOKEN) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(`${url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await daemon.stop();
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function deviceInput(hostname: string, extra: Record<string, unknown> = {}) {
  return { hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS', ...extra };
}
