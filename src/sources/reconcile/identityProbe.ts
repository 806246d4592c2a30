/**
 * The port through which the reconcile asks a device who it is. The SSH
 * adapter (../sshProbe.ts) opens a real session and reads its facts.
 */
import type { Transport } from '../../model/device.ts';

export interface ProbeTarget {
  /** The name the inventory expects; used for logs and the host-key lookup only. */
  hostname: string;
  host: string;
  port: number;
  platform: string;
  transport: Transport;
}

export type ProbeResult = { reachable: true; hostname: string } | { reachable: false; error: string };

export interface IdentityProbe {
  probe(target: ProbeTarget): Promise<ProbeResult>;
}
