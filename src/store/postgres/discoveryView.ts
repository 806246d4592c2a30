/**
 * The StoreView of a PostgreSQL `transact`. A plan reads synchronously, so what it reads must be in memory
 * before it runs; loading every device and record for each transaction would cost a full table read at
 * 10k devices. Instead the plan runs against what is loaded so far: a read of something not loaded yet
 * answers "absent" and is noted, and a run that noted anything (whatever it returned or threw) is thrown
 * away, the noted rows are loaded, and the plan runs again. Only a run that read nothing missing counts.
 * Plans are pure functions of the view (store.ts), so a discarded run leaves no trace; after a few rounds
 * everything is loaded, so the loop always ends.
 */
import type { Device } from '../../model/device.ts';
import { hostnameKey } from '../../model/device.ts';
import type { CollectionName, Collections, StoreView } from '../../model/store.ts';

export interface ViewLoader {
  devices(keys: string[] | 'all'): Promise<Device[]>;
  records(collection: CollectionName, ids: string[] | 'all'): Promise<{ id: string; value: unknown }[]>;
  collectionNames(): CollectionName[];
}

/** Rounds after which the view loads everything instead of what the last run asked for. */
const ROUNDS_BEFORE_LOADING_ALL = 4;

export class DiscoveryView {
  private readonly devices = new Map<string, Device | undefined>();
  private allDevices = false;
  private deviceOrder: string[] = [];
  private readonly records = new Map<string, Map<string, unknown>>();
  private readonly allRecords = new Set<string>();
  private missingDevices = new Set<string>();
  private missingAllDevices = false;
  private missingRecords = new Map<string, Set<string>>();
  private missingAllRecords = new Set<string>();

  constructor(private readonly loader: ViewLoader) {}

  /** Runs `plan` until a run reads nothing that was not loaded; returns that run's outcome (or throws its error). */
  async run<T>(plan: (view: StoreView) => T): Promise<T> {
    for (let round = 0; ; round++) {
      this.resetMissing();
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: plan(this.view()) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (!this.hasMissing()) {
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      }
      if (round + 1 >= ROUNDS_BEFORE_LOADING_ALL) await this.loadEverything();
      else await this.loadMissing();
    }
  }

  private view(): StoreView {
    return {
      device: (hostname) => {
        const key = hostnameKey(hostname);
        if (this.devices.has(key)) return structuredClone(this.devices.get(key));
        if (!this.allDevices) this.missingDevices.add(key);
        return undefined;
      },
      devices: () => {
        if (!this.allDevices) this.missingAllDevices = true;
        return this.deviceOrder.flatMap((k) => {
          const d = this.devices.get(k);
          return d ? [structuredClone(d)] : [];
        });
      },
      record: <K extends CollectionName>(collection: K, id: string) => {
        const loaded = this.records.get(collection);
        if (loaded?.has(id)) return structuredClone(loaded.get(id)) as Collections[K] | undefined;
        if (!this.allRecords.has(collection)) this.noteRecord(collection, id);
        return undefined;
      },
      records: <K extends CollectionName>(collection: K) => {
        if (!this.allRecords.has(collection)) this.missingAllRecords.add(collection);
        return [...(this.records.get(collection)?.values() ?? [])].filter((v) => v !== undefined).map((v) => structuredClone(v)) as Collections[K][];
      },
    };
  }

  private noteRecord(collection: string, id: string): void {
    let ids = this.missingRecords.get(collection);
    if (!ids) this.missingRecords.set(collection, (ids = new Set()));
    ids.add(id);
  }

  private resetMissing(): void {
    this.missingDevices = new Set();
    this.missingAllDevices = false;
    this.missingRecords = new Map();
    this.missingAllRecords = new Set();
  }

  private hasMissing(): boolean {
    return this.missingDevices.size > 0 || this.missingAllDevices || this.missingRecords.size > 0 || this.missingAllRecords.size > 0;
  }

  private async loadMissing(): Promise<void> {
    if (this.missingAllDevices) await this.loadDevices('all');
    else if (this.missingDevices.size > 0) await this.loadDevices([...this.missingDevices]);
    for (const collection of this.missingAllRecords) await this.loadRecords(collection as CollectionName, 'all');
    for (const [collection, ids] of this.missingRecords) {
      if (!this.missingAllRecords.has(collection)) await this.loadRecords(collection as CollectionName, [...ids]);
    }
  }

  private async loadEverything(): Promise<void> {
    if (!this.allDevices) await this.loadDevices('all');
    for (const collection of this.loader.collectionNames()) if (!this.allRecords.has(collection)) await this.loadRecords(collection, 'all');
  }

  private async loadDevices(keys: string[] | 'all'): Promise<void> {
    const found = await this.loader.devices(keys);
    if (keys === 'all') {
      this.devices.clear();
      this.allDevices = true;
      this.deviceOrder = found.map((d) => hostnameKey(d.hostname));
    } else {
      for (const key of keys) this.devices.set(key, undefined);
    }
    for (const d of found) this.devices.set(hostnameKey(d.hostname), d);
  }

  private async loadRecords(collection: CollectionName, ids: string[] | 'all'): Promise<void> {
    const found = await this.loader.records(collection, ids);
    let loaded = this.records.get(collection);
    if (!loaded || ids === 'all') this.records.set(collection, (loaded = new Map()));
    if (ids === 'all') this.allRecords.add(collection);
    else for (const id of ids) if (!loaded.has(id)) loaded.set(id, undefined);
    for (const r of found) loaded.set(r.id, r.value);
  }
}
