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
  /**
   * Only requests whose name matches one of these patterns are held (not processed) until the list no longer
   * matches them: the NETCONF operation (`lock`, `edit-config`, `validate`, `commit confirmed` for a confirmed
   * commit, `commit persist-id` for a confirming one, `cancel-commit`, `get-config`, ...) or the EOS command line
   * (`show configuration sessions`, `commit timer`, `configure session * commit`, ...). `*` matches any text; a
   * pattern matches a name equal to it or followed by more words. Places a request at an exact point of a run.
   * A request still held when its connection ends is never processed (lost with the connection).
   */
  holdRequests: string[];
  /** Another (phantom) session holds the NETCONF locks / a pending EOS config session. */
  lockHeld: boolean;
  /** validate and commit fail with this message. */
  validationError: string | null;
  /** commit fails with this message. */
  commitError: string | null;
  /**
   * Commits are acknowledged (NETCONF <ok/>, EOS no error) but change nothing and leave nothing pending,
   * as netconfd 2.13 does for a commit right after validate. A confirming commit of a pending one still works.
   */
  commitIgnored: boolean;
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
  holdRequests: [],
  lockHeld: false,
  validationError: null,
  commitError: null,
  commitIgnored: false,
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
  /** Requests held right now by holdReplies or holdRequests. */
  heldRequests: number;
  /** The timeout of the last confirmed commit (NETCONF confirm-timeout, EOS commit timer) in seconds; 0 before any. */
  lastConfirmTimeoutSeconds: number;
}

export interface LabDevice {
  hostname: string;
  platform: LabPlatform;
  port: number;
  /** 'SHA256:base64' as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** The host key as a known_hosts entry wants it: 'ssh-ed25519 AAAA...'. */
  hostPublicKey: string;
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
