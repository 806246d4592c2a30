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
  // The device's intended config cannot be rendered (at the commit in force and the new one): one open
  // event carries that state, instead of a new change event on every push that touches the device.
  'render_failed',
] as const;
export type SyncCause = (typeof SYNC_CAUSES)[number];

/** Events that are history only and never change the synchronized flag. */
// `config_unchanged`: an inventory change (interfaces, linknet, management domain) that reached the device
// but left its intended config as it was, so it stays synchronized; the history says so.
export const RECORD_KINDS = ['synchronized', 'interface_bounced', 'config_unchanged'] as const;
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
