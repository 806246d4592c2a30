/**
 * The store as every part of the daemon sees it, with the per-device transaction locks of the replicas'
 * shared lock service (PostgreSQL advisory locks) in place of the store's own: transactions, syncto, the
 * drift check, bounces and recovery all take the same locks without knowing where they live.
 */
import type { DeviceLocks } from '../commit/ports.ts';
import type { Store } from '../model/store.ts';

export function withDeviceLocks(store: Store, locks: DeviceLocks): Store {
  const overrides: DeviceLocks = {
    tryLockDevice: (hostname, owner) => locks.tryLockDevice(hostname, owner),
    unlockDevice: (hostname, owner) => locks.unlockDevice(hostname, owner),
    lockHolder: (hostname) => locks.lockHolder(hostname),
    // The batch forms when the lock service has them (one round trip for a whole transaction).
    ...(locks.tryLockDevices ? { tryLockDevices: (hostnames: string[], owner: string) => locks.tryLockDevices!(hostnames, owner) } : {}),
    ...(locks.unlockDevices ? { unlockDevices: (hostnames: string[], owner: string) => locks.unlockDevices!(hostnames, owner) } : {}),
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof DeviceLocks];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
