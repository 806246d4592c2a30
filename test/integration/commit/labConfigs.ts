/** Config texts for lab devices in both syntaxes, and a lab + session factory for a suite. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceTarget, SessionFactory } from '../../../src/commit/session.ts';
import { canonicalRunning } from '../../../src/drivers/canonicalRunning.ts';
import { createSessionFactory } from '../../../src/drivers/sessionFactory.ts';
import type { Lab, LabDeviceSpec } from '../../../src/lab/index.ts';
import { canonicalConfig, startLab } from '../../../src/lab/index.ts';

export interface Shape {
  hostname: string;
  vlan: number;
  description: string;
}

export function labConfig(platform: 'netconf' | 'eos', s: Shape): string {
  if (platform === 'eos') {
    return `hostname ${s.hostname}\n!\nvlan ${s.vlan}\n   name v${s.vlan}\n!\ninterface Ethernet1\n   description ${s.description}\n   switchport access vlan ${s.vlan}\n!\nend\n`;
  }
  const ns = 'xmlns="urn:netsync:lab"';
  return (
    `<system ${ns}><hostname>${s.hostname}</hostname></system>` +
    `<interfaces ${ns}><interface><name>Ethernet1</name><description>${s.description}</description><vlan>${s.vlan}</vlan></interface></interfaces>` +
    `<vlans ${ns}><vlan><id>${s.vlan}</id><name>v${s.vlan}</name></vlan></vlans>`
  );
}

export function canonical(platform: 'netconf' | 'eos', s: Shape): string {
  return canonicalConfig(platform, labConfig(platform, s));
}

export interface LabSuite {
  lab: Lab;
  factory: SessionFactory;
  target(hostname: string): DeviceTarget;
  stop(): Promise<void>;
}

/** How netsync reaches a lab device: loopback, its port, its platform's transport and its pinned host key. */
export function labTarget(d: Lab['devices'][number]): DeviceTarget {
  return {
    hostname: d.hostname,
    host: '127.0.0.1',
    port: d.port,
    platform: d.platform,
    transport: d.platform === 'eos' ? 'eos-cli' : 'netconf',
    hostKeyFingerprint: d.hostKeyFingerprint,
  };
}

/** netsync's drivers logged in to the lab's devices (the tests' short timeouts, the benches' long ones). */
export function labSessions(lab: Lab, timeoutMs: number): SessionFactory {
  return createSessionFactory({
    credentials: { username: lab.username, password: lab.password },
    canonicalize: canonicalRunning,
    timeouts: { connectMs: timeoutMs, helloMs: timeoutMs, rpcMs: timeoutMs },
  });
}

export async function startLabSuite(specs: LabDeviceSpec[], opts: { password?: string } = {}): Promise<LabSuite> {
  const stateDir = await mkdtemp(join(tmpdir(), 'netsync-commit-lab-'));
  const lab = await startLab({ devices: specs, stateDir, ...opts });
  return {
    lab,
    factory: labSessions(lab, 5000),
    target: (hostname) => labTarget(lab.device(hostname)),
    stop: async () => {
      await lab.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
