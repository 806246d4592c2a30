/**
 * One SSH connection to a device with host-key pinning: the key seen on first
 * contact is reported so it can be recorded; a key different from the pinned
 * one is refused (HOST_KEY_MISMATCH) before any credential is sent.
 * Connection failures are sorted into "could not reach" and "refused us".
 */
import { createHash } from 'node:crypto';
import { Client } from 'ssh2';
import type { ConnectConfig } from 'ssh2';
import { NetsyncError } from '../model/errors.ts';

export interface SshCredentials {
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
}

export interface SshTarget {
  hostname: string;
  host: string;
  port: number;
  /** Pinned fingerprint (SHA256:...), or null to accept and report the key on first contact. */
  hostKeyFingerprint: string | null;
}

export interface SshConnection {
  client: Client;
  /** The fingerprint the device presented (SHA256:base64, as OpenSSH prints it). */
  fingerprint: string;
  /** True when no key was pinned and this one should be recorded. */
  firstContact: boolean;
}

export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function connectSsh(target: SshTarget, credentials: SshCredentials, timeoutMs = 15_000): Promise<SshConnection> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: string | undefined;
    let mismatch = false;
    let settled = false;
    const done = (err: NetsyncError | undefined) => {
      if (settled) return;
      settled = true;
      if (err) {
        client.end();
        reject(err);
      } else {
        resolve({ client, fingerprint: seen!, firstContact: target.hostKeyFingerprint === null });
      }
    };
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: credentials.username,
      readyTimeout: timeoutMs,
      keepaliveInterval: 0,
      hostVerifier: (key: Buffer) => {
        seen = sshFingerprint(key);
        mismatch = target.hostKeyFingerprint !== null && target.hostKeyFingerprint !== seen;
        return !mismatch;
      },
      ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      ...(credentials.privateKey !== undefined ? { privateKey: credentials.privateKey } : {}),
      ...(credentials.passphrase !== undefined ? { passphrase: credentials.passphrase } : {}),
    };
    client.once('ready', () => done(undefined));
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      const where = `${target.hostname} (${target.host}:${target.port})`;
      if (mismatch) {
        done(
          new NetsyncError(
            'HOST_KEY_MISMATCH',
            `${where} presented SSH host key ${seen}, but ${target.hostKeyFingerprint} is pinned; if the device was really replaced, clear its hostKeyFingerprint in the inventory and retry`,
            { hostname: target.hostname, expected: target.hostKeyFingerprint, presented: seen },
          ),
        );
      } else if (err.level === 'client-authentication') {
        done(
          new NetsyncError(
            'AUTH_FAILED',
            `${where} refused our SSH login as '${credentials.username}'; check the device credentials (devices.username / password / privateKeyFile)`,
            {
              hostname: target.hostname,
              username: credentials.username,
            },
          ),
        );
      } else if (err.level === 'client-timeout' || (err.code && UNREACHABLE_CODES.has(err.code)) || err.level === 'client-socket') {
        done(new NetsyncError('DEVICE_UNREACHABLE', `${where} is unreachable: ${err.message}`, { hostname: target.hostname, reason: err.code ?? err.message }));
      } else {
        done(new NetsyncError('DEVICE_UNREACHABLE', `${where}: SSH connection failed: ${err.message}`, { hostname: target.hostname, reason: err.message }));
      }
    });
    client.on('close', () =>
      done(
        new NetsyncError('DEVICE_UNREACHABLE', `${target.hostname} (${target.host}:${target.port}) closed the connection during the SSH handshake`, {
          hostname: target.hostname,
        }),
      ),
    );
    client.connect(config);
    // Commands and RPCs are small writes waiting on replies: no Nagle delay.
    client.setNoDelay(true);
  });
}
