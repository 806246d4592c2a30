/**
 * The lab state directory: the authorized client key, and per device its SSH
 * host key and running config, so a restarted lab keeps identities and configs.
 *
 *   <stateDir>/client_ed25519(.pub)
 *   <stateDir>/known_hosts        (rewritten at every start: the devices' ports change)
 *   <stateDir>/devices/<hostname>/ssh_host_ed25519_key
 *   <stateDir>/devices/<hostname>/running-config.{xml|eos}
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { NetsyncError } from '../model/errors.ts';
import type { LabPlatform } from './types.ts';

const { utils } = ssh2;

export interface KeyPair {
  privateKey: string;
  publicKey: string;
  parsed: ssh2.ParsedKey;
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parse(privateKey: string, path: string): ssh2.ParsedKey {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error)
    throw new NetsyncError('LAB_STATE_INVALID', `${path} is not a usable SSH private key (${parsed.message}); delete it to get a new one`, { path });
  return parsed;
}

/** Loads the key at `path`, creating an ed25519 key there on first use. */
async function loadOrCreateKey(path: string, comment: string): Promise<KeyPair> {
  const existing = await readOptional(path);
  if (existing !== null) {
    const parsed = parse(existing, path);
    return { privateKey: existing, publicKey: `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`, parsed };
  }
  const pair = generateEd25519(comment);
  await writeFile(path, pair.private, { mode: 0o600 });
  await writeFile(`${path}.pub`, `${pair.public}\n`);
  return { privateKey: pair.private, publicKey: pair.public.split(' ').slice(0, 2).join(' '), parsed: parse(pair.private, path) };
}

/**
 * ssh2's generator drops a leading zero byte of the public key (about 1 key in 300),
 * writing a key that neither ssh2 nor OpenSSH can read; draw again until the key parses.
 */
function generateEd25519(comment: string): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

export async function loadClientKey(stateDir: string): Promise<KeyPair> {
  await mkdir(stateDir, { recursive: true });
  return loadOrCreateKey(join(stateDir, 'client_ed25519'), 'netsync-lab-client');
}

/** 'SHA256:<base64 without padding>' as OpenSSH prints it. */
export function fingerprint(key: ssh2.ParsedKey): string {
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

export interface DeviceStateFiles {
  hostKey: KeyPair;
  /** The persisted running config, or null on first start. */
  running: string | null;
  /** Saves a running config (atomic; concurrent saves coalesce, the last one wins). */
  save(text: string): void;
  /** Resolves when pending saves are on disk. */
  flush(): Promise<void>;
}

export async function loadDeviceState(stateDir: string, hostname: string, platform: LabPlatform): Promise<DeviceStateFiles> {
  const dir = join(stateDir, 'devices', hostname);
  await mkdir(dir, { recursive: true });
  const hostKey = await loadOrCreateKey(join(dir, 'ssh_host_ed25519_key'), hostname);
  const file = join(dir, `running-config.${platform === 'netconf' ? 'xml' : 'eos'}`);
  const running = await readOptional(file);
  let pending: string | null = null;
  let writing: Promise<void> | null = null;
  const drain = async () => {
    while (pending !== null) {
      const text = pending;
      pending = null;
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    }
    writing = null;
  };
  return {
    hostKey,
    running,
    save(text) {
      pending = text;
      writing ??= drain().catch((err: unknown) => {
        writing = null;
        process.stderr.write(`netsync lab: cannot save ${file}: ${(err as Error).message}\n`);
      });
    },
    async flush() {
      while (writing) await writing;
    },
  };
}

/**
 * An OpenSSH known_hosts file for the lab's devices as they listen now, so `ssh -o UserKnownHostsFile=...`
 * reaches them without a host-key prompt (and still checks the key).
 */
export async function writeKnownHosts(stateDir: string, devices: readonly { port: number; hostPublicKey: string }[]): Promise<string> {
  const file = join(stateDir, 'known_hosts');
  const text = devices.map((d) => `[127.0.0.1]:${d.port} ${d.hostPublicKey}\n`).join('');
  await writeFile(`${file}.tmp`, text, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return file;
}
