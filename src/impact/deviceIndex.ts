/** Devices indexed by type, group, hostname and platform+type, so a push touching 1,000 files costs lookups, not scans. */
export interface ImpactDevice {
  hostname: string;
  type: string;
  platform: string;
  groups: string[];
}

export class DeviceIndex<D extends ImpactDevice = ImpactDevice> {
  readonly all: D[];
  private readonly byType = new Map<string, D[]>();
  private readonly byGroup = new Map<string, D[]>();
  private readonly byHostname = new Map<string, D>();
  private readonly byPlatformType = new Map<string, D[]>();

  constructor(devices: D[]) {
    this.all = devices;
    for (const d of devices) {
      push(this.byType, d.type.toUpperCase(), d);
      for (const g of d.groups) push(this.byGroup, g.toLowerCase(), d);
      this.byHostname.set(d.hostname.toLowerCase(), d);
      push(this.byPlatformType, platformTypeKey(d.platform, d.type), d);
    }
  }

  ofType(type: string): D[] {
    return this.byType.get(type.toUpperCase()) ?? [];
  }
  inGroup(group: string): D[] {
    return this.byGroup.get(group.toLowerCase()) ?? [];
  }
  named(hostname: string): D | undefined {
    return this.byHostname.get(hostname.toLowerCase());
  }
  ofPlatformType(platform: string, type: string): D[] {
    return this.byPlatformType.get(platformTypeKey(platform, type)) ?? [];
  }
}

function platformTypeKey(platform: string, type: string): string {
  return `${platform}\u0000${type.toUpperCase()}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
