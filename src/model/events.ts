/** Sync events: the persisted history of why a device is unsynchronized (docs/design/architecture.md §3). */

export const SYNC_CAUSES = [
  'settings_changed',
  'templates_changed',
  'drift_detected',
  'interfaces_updated',
  'linknet_changed',
  'mgmtdomain_changed',
  'unmanaged',
  'upgrade_post_flight',
  'ztp_neighbor',
  'manual',
] as const;
export type SyncCause = (typeof SYNC_CAUSES)[number];

/** Events that are history only and never change the synchronized flag. */
export const RECORD_KINDS = ['synchronized', 'interface_bounced'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface SyncEvent {
  id: number;
  hostname: string;
  cause: SyncCause | RecordKind;
  by: string;
  at: string;
  commit?: string;
  jobId?: string;
  detail: string;
  /** Set when a later sync cleared this event; the event stays in history. */
  clearedAt?: string;
}

export type NewSyncEvent = Omit<SyncEvent, 'id'>;
