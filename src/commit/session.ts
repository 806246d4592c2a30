/**
 * DeviceSession: what the commit engine needs from a device (docs/design/architecture.md §7).
 * Drivers (src/drivers/netconf, src/drivers/eos) implement it over SSH; the
 * engine and the jobs depend only on this interface.
 */

export interface SessionCapabilities {
  candidate: boolean;
  validate: boolean;
  confirmedCommit: boolean;
  /** Confirmed commit can be confirmed or cancelled from another session (NETCONF :confirmed-commit:1.1 persist). */
  persist: boolean;
  rollbackOnError: boolean;
}

export interface DeviceFacts {
  hostname: string;
  platform: string;
  version: string;
}

export type LoadMode = 'replace' | 'merge';

export interface DeviceSession {
  readonly hostname: string;
  readonly capabilities: SessionCapabilities;
  /**
   * Name this transaction's work on the device (EOS names its config session so
   * a later connection can confirm or abort it). Optional: NETCONF needs none.
   */
  useSessionName?(name: string): void;
  facts(): Promise<DeviceFacts>;
  getRunningConfig(): Promise<string>;
  lock(): Promise<void>;
  unlock(): Promise<void>;
  loadCandidate(config: string, mode: LoadMode): Promise<void>;
  /** Difference between candidate and running, in the device's own words (may be empty). */
  diff(): Promise<string>;
  validate(): Promise<void>;
  commitConfirmed(timeoutSeconds: number, persistId: string): Promise<void>;
  confirm(persistId: string): Promise<void>;
  commit(): Promise<void>;
  /** Cancel a pending confirmed commit (running returns to what it was). */
  cancelCommit(persistId: string): Promise<void>;
  /**
   * Abort another, named pending configuration session (EOS `configure session NAME abort`), e.g. one a
   * dead netsync run left behind. Optional: devices without named sessions leave it out.
   */
  abortSession?(name: string): Promise<void>;
  /** Throw away the uncommitted candidate. */
  discard(): Promise<void>;
  /**
   * What of `sent` (loaded with `mode`) the running config read back after the commit does not show,
   * briefly (may quote values: mask before showing); undefined when the device runs what was sent.
   * Pure: the engine reads `running` itself (commit/verifyApplied.ts).
   */
  notApplied(sent: string, mode: LoadMode, running: string): string | undefined;
  /**
   * Shut the interface, then give it back its admin state, leaving running config as it was.
   * Refuses (NOT_FOUND) an interface the running config lacks and (CONFLICT) one that is shut down.
   * Optional: a driver that cannot bounce leaves it out.
   */
  bounceInterface?(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Where and how to reach a device; secrets are resolved by the factory, never stored here. */
export interface DeviceTarget {
  hostname: string;
  host: string;
  port: number;
  platform: string;
  transport: 'netconf' | 'eos-cli';
  /** Pinned host key fingerprint (SHA256:...); null on first contact. */
  hostKeyFingerprint: string | null;
}

export interface SessionFactory {
  open(target: DeviceTarget): Promise<DeviceSession>;
}
