/**
 * createSessionFactory, loaded on the first open(): the SSH client (ssh2) and the NETCONF/EOS drivers stay out
 * of a daemon's memory until it talks to a device.
 */
import type { DeviceSession, DeviceTarget, SessionFactory } from '../commit/session.ts';
import type { SessionFactoryOptions } from './sessionFactory.ts';

export function lazySessionFactory(options: SessionFactoryOptions): SessionFactory {
  let factory: Promise<SessionFactory> | undefined;
  return {
    async open(target: DeviceTarget): Promise<DeviceSession> {
      factory ??= import('./sessionFactory.ts').then((m) => m.createSessionFactory(options));
      return (await factory).open(target);
    },
  };
}
