/** Where first-contact SSH host keys are pinned: the device record in the Store. */
import type { Store } from '../model/store.ts';

export interface HostKeyRecorder {
  /** Pin a key seen on first contact (the device had none pinned). */
  record(hostname: string, fingerprint: string): Promise<void>;
}

export function storeHostKeys(store: Store): HostKeyRecorder {
  return {
    async record(hostname, fingerprint) {
      if (!(await store.getDevice(hostname))) return; // not in the inventory (e.g. an ad-hoc target): nothing to pin
      await store.changeDevices({
        // Never overwrite a key pinned meanwhile by someone else: only fill an empty pin.
        update: [{ hostname, apply: (d) => (d.hostKeyFingerprint ? d : { ...d, hostKeyFingerprint: fingerprint }) }],
      });
    },
  };
}
