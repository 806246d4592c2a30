/**
 * A real Prometheus (Debian `prometheus`) and Alertmanager for integration tests: own config and
 * TSDB in a temp dir, a free loopback port, started as the test's child in its
 * own process group and killed on stop().
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface PrometheusPeer {
  url: string;
  dir: string;
  /** GET an HTTP API path (e.g. /api/v1/query?query=up) and return its `data`. */
  api<T = any>(path: string): Promise<T>;
  /** Polls until `ok` returns a value, or fails with the last answer. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** `config` is prometheus.yml as YAML text; rule files are referenced by absolute path in it. */
export async function startPrometheus(config: string): Promise<PrometheusPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'netsync-prom-'));
  await writeFile(join(dir, 'prometheus.yml'), config);
  return startHttpPeer('prometheus', dir, PROMETHEUS_BIN, (port) => [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
}

/** Alertmanager with no receivers: alerts posted to it can be read back from its API. Clustering off. */
export async function startAlertmanager(): Promise<PrometheusPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'netsync-am-'));
  await writeFile(join(dir, 'alertmanager.yml'), 'route:\n  receiver: default\nreceivers:\n  - name: default\n');
  return startHttpPeer('alertmanager', dir, ALERTMANAGER_BIN, (port) => [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
}

async function startHttpPeer(name: string, dir: string, bin: string, args: (port: number) => string[]): Promise<PrometheusPeer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, `${name}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(bin, args(port), { detached: true, stdio: ['ignore', 'ignore', log] });
  closeSync(log); // the child has its own copy
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const api = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status?: string; data?: unknown; error?: string };
    // Prometheus wraps answers in {status, data}; Alertmanager's v2 API returns the data itself.
    if (body.status === undefined || Array.isArray(body)) return body as any;
    if (body.status !== 'success') throw new Error(`${name} ${path}: ${body.error}`);
    return body.data as any;
  };
  const peer: PrometheusPeer = {
    url,
    dir,
    api,
    async waitFor(what, probe, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let lastError = '';
      while (Date.now() < deadline) {
        if (exited) throw new Error(`${name} exited:\n${await readFile(logFile, 'utf8')}`);
        try {
          const got = await probe();
          if (got !== undefined) return got;
        } catch (err) {
          lastError = (err as Error).message;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`${name}: ${what} not seen in ${timeoutMs} ms ${lastError}`);
    },
    async stop() {
      if (!exited && child.pid) {
        process.kill(-child.pid, 'SIGTERM');
        const killed = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
        if (!killed && !exited) process.kill(-child.pid, 'SIGKILL');
        await Promise.race([exit, new Promise((r) => setTimeout(r, 2000))]);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await peer.waitFor('readiness', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 30_000);
  } catch (err) {
    await peer.stop();
    throw err;
  }
  return peer;
}
