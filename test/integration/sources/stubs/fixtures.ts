/** Shared bits of the source tests: the failure a promise ends with, and the BSS field mapping the double documents. */
import { NetsyncError } from '../../../../src/model/errors.ts';
import type { DeviceSpec } from '../../../../src/sources/types.ts';
import { BSS_PATH } from './bssStub.ts';
import type { BssStub } from './bssStub.ts';

/** Resolves with the NetsyncError the promise rejects with; fails the test if it resolves or throws anything else. */
export async function rejects(p: Promise<unknown>): Promise<NetsyncError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetsyncError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** The `sources.bss` settings for the double's shape (before the defaults the config schema adds). */
export function bssSettings(bss: BssStub) {
  return {
    url: `${bss.url}${BSS_PATH}`,
    token: bss.apiKey,
    authHeader: 'X-API-Key',
    authScheme: '',
    itemsField: 'data.elements',
    idField: 'elementId',
  };
}

export function deviceSpec(name: string, extra: Partial<DeviceSpec> = {}): DeviceSpec {
  return { name, managementIp: '10.1.0.1', port: 22, platform: 'eos', transport: 'eos-cli', type: 'ACCESS', origin: 'ui', ...extra };
}
