/** Public shapes of the device lab (src/lab). Other modules and tests depend on these names. */
import type { ConfigDialect } from '../deviceconfig/canonicalConfig.ts';

export type LabPlatform = ConfigDialect;

/** Faults a device can be told to show, at start or at run time (control API or in-process). */
export interface LabFaults {
  /** The device's SSH port is closed (connections refused); open sessions are dropped. */
  unreachable: boolean;
  /** Every authentication attempt is rejected. */
  authFailure: boolean;
  /** Added delay before each reply (NETCONF message or CLI command output). */
  latencyMs: number;
  /**
   * Every reply (after any latency) is held until this is cleared, then sent in order: keeps an operation in
   * flight for exactly as long as a test needs, where a latency would only keep it there for a while.
   */
  holdReplies: boolean;
  /** Another (phantom) session holds the NETCONF locks / a pending EOS config session. */
  lockHeld: boolean;
  /** validate and commit fail with this message. */
  validationError: string | null;
  /** commit fails with this message. */
  commitError: string | null;
  /** The operation of this phase is applied, then the connection is dropped before the reply. */
  dropAfter: 'write' | 'validate' | 'confirmed-commit' | null;
  /** Hostname the device claims (facts, get-config, show hostname, prompt) instead of its own. */
  reportedHostname: string | null;
}

export const NO_FAULTS: Readonly<LabFaults> = Object.freeze({
  unreachable: false,
  authFailure: false,
  latencyMs: 0,
  holdReplies: false,
  lockHeld: false,
  validationError: null,
  commitError: null,
  dropAfter: null,
  reportedHostname: null,
});

export interface LabDeviceSpec {
  hostname: string;
  platform: LabPlatform;
  port?: number;
  faults?: Partial<LabFaults>;
  /** Initial running config in the platform's own syntax (ignored when the state dir already has one). */
  initialConfig?: string;
}

export interface LabCounters {
  /** SSH connections accepted (including ones that then failed authentication). */
  sessions: number;
  /** NETCONF RPCs, or CLI commands (each line), received. */
  rpcs: number;
  /** Successful commits (plain, confirmed, confirming; EOS commit, commit timer, confirm). */
  commits: number;
  /** SSH connections open right now. */
  activeSessions: number;
}

export interface LabDevice {
  hostname: string;
  platform: LabPlatform;
  port: number;
  /** 'SHA256:base64' as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** Canonical text of the running config (see canonicalConfig). */
  runningConfig(): string;
  /** Out-of-band change: replaces the running config (throws VALIDATION_FAILED, changing nothing, if invalid). */
  setRunningConfig(text: string): void;
  setFaults(f: Partial<LabFaults>): void;
  clearFaults(): void;
  faults(): LabFaults;
  counters(): LabCounters;
  resetCounters(): void;
  /** Times running config took this interface admin down and up again (EOS: `show interfaces X`). */
  linkStatusChanges(name: string): number;
}

export interface LabInventoryEntry {
  hostname: string;
  managementIp: string;
  port: number;
  platform: string;
  transport: 'netconf' | 'eos-cli';
  type: string;
  groups: string[];
}

export interface Lab {
  devices: LabDevice[];
  /** Case-insensitive lookup; throws NOT_FOUND. */
  device(hostname: string): LabDevice;
  inventory(): LabInventoryEntry[];
  controlUrl?: string;
  /** An authorized public-key client key (OpenSSH PEM). */
  clientPrivateKey: string;
  /** The matching public key line (ssh-ed25519 AAAA...). */
  clientPublicKey: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  devices: number | LabDeviceSpec[];
  /** Default 'mixed' (alternating netconf, eos) when devices is a number. */
  platform?: LabPlatform | 'mixed';
  /** 0 or undefined: each device on a free ephemeral port; otherwise device i listens on basePort + i. */
  basePort?: number;
  /** Host keys, client key and running configs persist here. */
  stateDir: string;
  /** HTTP control API on 127.0.0.1 (0 = ephemeral, undefined = none). */
  controlPort?: number;
  hostnamePrefix?: string;
  username?: string;
  password?: string;
  /** Device type written to the inventory (default ACCESS). */
  deviceType?: string;
}
