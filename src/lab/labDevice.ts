/**
 * One simulated device: an ssh2 Server on 127.0.0.1 with its own host key,
 * password and public-key auth, and the NETCONF or EOS personality behind it.
 */
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import { NetsyncError } from '../model/errors.ts';
import { parseConfig, serializeConfig } from '../deviceconfig/canonicalConfig.ts';
import type { LabConfig } from '../deviceconfig/configModel.ts';
import { DeviceCore, type ConnectionHandle } from './deviceCore.ts';
import { EosSessions } from './eosSessions.ts';
import { attachEosChannel } from './eosChannel.ts';
import { NetconfDatastore } from './netconfDatastore.ts';
import { NetconfSession } from './netconfSession.ts';
import { fingerprint, type DeviceStateFiles, type KeyPair } from './stateDir.ts';
import { NO_FAULTS, type LabCounters, type LabDevice, type LabFaults, type LabPlatform } from './types.ts';

const LOGIN_TIMEOUT_MS = 30_000;

export interface DeviceOptions {
  hostname: string;
  platform: LabPlatform;
  state: DeviceStateFiles;
  initial: LabConfig;
  clientKey: KeyPair;
  username: string;
  password: string;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class LabDeviceImpl implements LabDevice {
  readonly hostname: string;
  readonly platform: LabPlatform;
  readonly hostKeyFingerprint: string;
  readonly hostPublicKey: string;
  port = 0;
  private readonly core: DeviceCore;
  private readonly netconf: NetconfDatastore | null;
  private readonly eos: EosSessions | null;
  private readonly server: ssh2.Server;
  private readonly connections = new Set<ssh2.Connection>();
  private listening = false;
  private stopped = false;

  constructor(private readonly opts: DeviceOptions) {
    this.hostname = opts.hostname;
    this.platform = opts.platform;
    this.hostKeyFingerprint = fingerprint(opts.state.hostKey.parsed);
    this.hostPublicKey = `${opts.state.hostKey.parsed.type} ${opts.state.hostKey.parsed.getPublicSSH().toString('base64')}`;
    this.core = new DeviceCore(opts.hostname, opts.platform, opts.initial, (cfg) => opts.state.save(serializeConfig(opts.platform, cfg)));
    this.netconf = opts.platform === 'netconf' ? new NetconfDatastore(this.core) : null;
    this.eos = opts.platform === 'eos' ? new EosSessions(this.core) : null;
    this.server = new ssh2.Server({ hostKeys: [opts.state.hostKey.privateKey], ident: `netsync-lab-${opts.platform}` }, (client) => this.onConnection(client));
    // Errors of the first listen are reported by listen(); later ones (re-opening after `unreachable`) only get logged.
    this.server.on('error', (err: Error) => {
      if (this.port !== 0) process.stderr.write(`netsync lab: ${this.hostname}: ${err.message}\n`);
    });
    this.core.onFaults((f) => this.applyReachability(f));
  }

  /** Listens on `port` (0 = ephemeral); the chosen port is kept for later re-opens (unreachable fault). */
  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) =>
        reject(new NetsyncError('UNAVAILABLE', `${this.hostname}: cannot listen on 127.0.0.1:${port}: ${err.message}`, { hostname: this.hostname, port }));
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.listening = true;
    this.port = (this.server.address() as { port: number }).port;
    if (this.core.faults.unreachable) this.applyReachability(this.core.faults);
  }

  private applyReachability(f: LabFaults): void {
    if (this.stopped || this.port === 0) return;
    if (f.unreachable && this.listening) {
      this.listening = false;
      this.server.close();
      for (const c of this.connections) c.end();
    } else if (!f.unreachable && !this.listening) {
      this.listening = true;
      this.server.listen(this.port, '127.0.0.1');
    }
  }

  private onConnection(client: ssh2.Connection): void {
    const counters = this.core.counters;
    counters.sessions++;
    counters.activeSessions++;
    this.connections.add(client);
    const handle: ConnectionHandle = { id: this.core.allocateId(), username: '', drop: () => client.end(), closed: false };
    client.on('error', () => {});
    // Replies are small and interactive: don't let Nagle hold them back waiting for ACKs.
    (client as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
    client.on('close', () => {
      handle.closed = true;
      counters.activeSessions--;
      this.connections.delete(client);
    });
    client.on('authentication', (ctx) => {
      const methods: Array<'password' | 'publickey'> = ['password', 'publickey'];
      if (this.core.faults.authFailure || ctx.username !== this.opts.username) return ctx.reject(methods);
      if (ctx.method === 'password' && sameText(ctx.password, this.opts.password)) {
        handle.username = ctx.username;
        return ctx.accept();
      }
      if (ctx.method === 'publickey') {
        const allowed = this.opts.clientKey.parsed;
        if (ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) return ctx.reject(methods);
        // Without a signature the client only asks whether the key would do.
        if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(methods);
        handle.username = ctx.username;
        return ctx.accept();
      }
      ctx.reject(methods);
    });
    // A client that never finishes logging in would hold the connection forever.
    const loginTimer = setTimeout(() => client.end(), LOGIN_TIMEOUT_MS);
    loginTimer.unref();
    client.on('close', () => clearTimeout(loginTimer));
    client.on('ready', () => {
      clearTimeout(loginTimer);
      client.on('session', (accept) => {
        const session = accept();
        let pty = false;
        session.on('pty', (acc) => {
          pty = true;
          acc?.();
        });
        session.on('window-change', (acc) => acc?.());
        session.on('env', (acc) => acc?.());
        session.on('subsystem', (acc, rej, info) => {
          if (this.netconf && info.name === 'netconf') new NetconfSession(this.core, this.netconf, acc(), handle);
          else rej();
        });
        session.on('shell', (acc, rej) => {
          if (this.eos) attachEosChannel(this.core, this.eos, handle, acc(), { pty, command: null });
          else rej();
        });
        session.on('exec', (acc, rej, info) => {
          if (this.eos) attachEosChannel(this.core, this.eos, handle, acc(), { pty: false, command: info.command });
          else rej();
        });
      });
    });
  }

  runningConfig(): string {
    return serializeConfig(this.platform, this.core.getRunning());
  }

  setRunningConfig(text: string): void {
    const cfg = parseConfig(this.platform, text);
    this.core.setRunning(cfg);
    this.netconf?.runningChangedOutOfBand();
  }

  setFaults(f: Partial<LabFaults>): void {
    this.core.setFaults(f);
  }

  clearFaults(): void {
    this.core.setFaults({ ...NO_FAULTS });
  }

  faults(): LabFaults {
    return { ...this.core.faults };
  }

  counters(): LabCounters {
    return { ...this.core.counters };
  }

  linkStatusChanges(name: string): number {
    return this.core.linkStatusChanges(name);
  }

  resetCounters(): void {
    const c = this.core.counters;
    c.sessions = 0;
    c.rpcs = 0;
    c.commits = 0;
    c.lastConfirmTimeoutSeconds = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.netconf?.stop();
    this.eos?.stop();
    for (const c of this.connections) c.end();
    if (this.listening) await new Promise<void>((r) => this.server.close(() => r()));
    this.listening = false;
    await this.opts.state.flush();
  }
}
