/**
 * Opens DeviceSessions over SSH for the commit engine, syncto and inventory
 * checks: connect with host-key pinning, then speak NETCONF (subsystem
 * `netconf`) or the EOS CLI (interactive shell), by the target's transport.
 */
import type { ClientChannel } from 'ssh2';
import type { DeviceSession, DeviceTarget, SessionFactory } from '../commit/session.ts';
import type { Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import { NetsyncError } from '../model/errors.ts';
import { EosSession } from './eos/eosSession.ts';
import { CliShell } from './eos/cliShell.ts';
import type { HostKeyRecorder } from './hostKeys.ts';
import { NetconfClient } from './netconf/client.ts';
import { NetconfSession } from './netconf/netconfSession.ts';
import type { SshConnection, SshCredentials } from './ssh.ts';
import { connectSsh } from './ssh.ts';

export interface SessionTimeouts {
  connectMs: number;
  helloMs: number;
  rpcMs: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { connectMs: 15_000, helloMs: 15_000, rpcMs: 60_000 };

export interface SessionFactoryOptions {
  credentials: SshCredentials;
  hostKeys?: HostKeyRecorder;
  timeouts?: Partial<SessionTimeouts>;
  logger?: Logger;
  /** Normalises running-config text per platform so it compares equal to rendered config. */
  canonicalize?: (platform: string, text: string) => string;
}

export function createSessionFactory(options: SessionFactoryOptions): SessionFactory {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const logger = options.logger ?? silentLogger;
  return {
    async open(target: DeviceTarget): Promise<DeviceSession> {
      const conn = await connectSsh(target, options.credentials, timeouts.connectMs);
      const log = logger.child({ device: target.hostname });
      try {
        if (conn.firstContact && options.hostKeys) {
          await options.hostKeys.record(target.hostname, conn.fingerprint);
          log.info({ fingerprint: conn.fingerprint }, 'pinned SSH host key on first contact');
        }
        const canonicalize = options.canonicalize ? (text: string) => options.canonicalize!(target.platform, text) : undefined;
        const common = { hostname: target.hostname, platform: target.platform, onClose: () => conn.client.end(), ...(canonicalize ? { canonicalize } : {}) };
        if (target.transport === 'netconf') {
          const channel = await subsystem(conn, target.hostname);
          const client = await NetconfClient.start(channel, { hostname: target.hostname, helloTimeoutMs: timeouts.helloMs, rpcTimeoutMs: timeouts.rpcMs });
          return new NetconfSession(client, common);
        }
        const shell = await CliShell.start(conn.client, { hostname: target.hostname, timeoutMs: timeouts.rpcMs, promptTimeoutMs: timeouts.helloMs });
        return new EosSession(shell, common);
      } catch (err) {
        conn.client.end();
        throw err;
      }
    },
  };
}

function subsystem(conn: SshConnection, hostname: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    conn.client.subsys('netconf', (err, channel) => {
      if (err) {
        reject(new NetsyncError('NETCONF_NO_HELLO', `${hostname}: the device refused the SSH 'netconf' subsystem: ${err.message}`, { hostname }));
      } else resolve(channel);
    });
  });
}
