/** Builds the daemon's SessionFactory from the `devices` config section. */
import { readFile } from 'node:fs/promises';
import type { SessionFactory } from '../commit/session.ts';
import { NetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import type { DevicesConfig } from '../drivers/configSchema.ts';
import { storeHostKeys } from '../drivers/hostKeys.ts';
import { lazySessionFactory } from '../drivers/lazySessionFactory.ts';
import type { SshCredentials } from '../drivers/ssh.ts';

export interface BuildSessionFactoryDeps {
  store: Store;
  logger: Logger;
  resolvePath(path: string): string;
  canonicalize?: (platform: string, text: string) => string;
}

/** Without a `devices` section there are no credentials: opening a session says so. */
export async function buildSessionFactory(config: DevicesConfig | undefined, deps: BuildSessionFactoryDeps): Promise<SessionFactory> {
  if (!config) {
    return {
      open: async (target) => {
        throw new NetsyncError('CONFIG_INVALID', `cannot contact ${target.hostname}: netsync.yml has no 'devices' section with login credentials`, {
          hostname: target.hostname,
        });
      },
    };
  }
  const credentials: SshCredentials = { username: config.username };
  if (config.password !== undefined) credentials.password = config.password;
  if (config.passphrase !== undefined) credentials.passphrase = config.passphrase;
  if (config.privateKeyFile) {
    const file = deps.resolvePath(config.privateKeyFile);
    try {
      credentials.privateKey = await readFile(file, 'utf8');
    } catch (err) {
      throw new NetsyncError('CONFIG_INVALID', `devices.privateKeyFile: cannot read ${file}: ${(err as Error).message}`, { key: 'devices.privateKeyFile' });
    }
  }
  return lazySessionFactory({
    credentials,
    hostKeys: storeHostKeys(deps.store),
    timeouts: { connectMs: config.connectTimeoutMs, helloMs: config.connectTimeoutMs, rpcMs: config.rpcTimeoutMs },
    logger: deps.logger,
    ...(deps.canonicalize ? { canonicalize: deps.canonicalize } : {}),
  });
}
