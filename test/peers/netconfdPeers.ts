/**
 * Starts real NETCONF agents for a test (netconfd behind OpenSSH, one pair per
 * device) on free loopback ports in a temp dir, via netconfd-up.sh, and stops
 * them afterwards. Skips the calling suite when not root or netconfd is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export interface NetconfdPeers {
  dir: string;
  ports: number[];
  username: string;
  password: string;
  privateKey: string;
  /** Stop one agent's netconfd only (its sshd stays up). */
  stopAgent(port: number): Promise<void>;
  stop(): Promise<void>;
}

export function netconfdAvailable(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/sbin/netconfd') && existsSync('/usr/sbin/sshd');
}

export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export async function startNetconfd(count: number): Promise<NetconfdPeers> {
  const dir = await mkdtemp(join(tmpdir(), 'netsync-netconfd-'));
  const ports = await freePorts(count);
  try {
    await run('bash', [join(here, 'netconfd-up.sh'), dir, ...ports.map(String)], { timeout: 60_000 });
  } catch (err) {
    await run('bash', [join(here, 'netconfd-down.sh'), dir]).catch(() => undefined);
    throw err;
  }
  return {
    dir,
    ports,
    username: 'nsnctest',
    password: await readFile(join(dir, 'password'), 'utf8'),
    privateKey: await readFile(join(dir, 'client_ed25519'), 'utf8'),
    stopAgent: async (port) => {
      const pid = Number(await readFile(join(dir, `dev-${port}`, 'netconfd.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
    },
    stop: async () => {
      await run('bash', [join(here, 'netconfd-down.sh'), dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
