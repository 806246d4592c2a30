/** What the pure commit engine needs from the outside, besides DeviceSessions. */
import type { Clock, Logger } from '../model/ports.ts';
import type { Phase } from './types.ts';
import type { SessionFactory } from './session.ts';
import type { LeftoverSessions } from './leftoverSessions.ts';

/** Per-device transaction locks; the Store implements it (in-process now, PostgreSQL advisory locks later). Never waits. */
export interface DeviceLocks {
  tryLockDevice(hostname: string, owner: string): Promise<boolean>;
  unlockDevice(hostname: string, owner: string): Promise<void>;
  lockHolder(hostname: string): Promise<string | undefined>;
  /**
   * Optional batch form (one round trip to a database): tries the devices in the order given and stops at the
   * first one another owner holds; returns the ones taken and the one refused.
   */
  tryLockDevices?(hostnames: string[], owner: string): Promise<{ locked: string[]; refused?: string }>;
  /** Optional batch form of unlockDevice. */
  unlockDevices?(hostnames: string[], owner: string): Promise<void>;
}

/** The config hash the store holds for a device, and how device text is hashed the same way. */
export interface Fingerprints {
  storedHash(hostname: string): Promise<string | null>;
  hashOf(config: string): string;
}

export interface CommitPorts {
  sessions: SessionFactory;
  locks: DeviceLocks;
  fingerprints?: Fingerprints;
  logger?: Logger;
  clock?: Clock;
  /** Hides secrets in device text the engine puts in errors and logs (the read-back's differences). */
  mask?: (text: string) => string;
  /** Recognizes netsync's own left-over EOS sessions at lock time, so they are aborted instead of blocking. */
  leftovers?: LeftoverSessions;
  /** Called before each phase starts with the devices in it; the service persists progress (e.g. before confirming). */
  onPhase?: (phase: Phase, hostnames: string[]) => Promise<void> | void;
}
