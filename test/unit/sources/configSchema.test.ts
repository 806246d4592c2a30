import { expect } from 'chai';
import { parseConfig } from '../../../src/config/load.ts';

describe('config: sources section', () => {
  it('takes secrets from the environment and fills the defaults', () => {
    const config = parseConfig(
      {
        sources: {
          nso: { url: 'https://nso.example:8888', username: 'netsync', password: '${NSO_PASSWORD}' },
          netbox: { url: 'https://netbox.example', token: '${NETBOX_TOKEN}' },
          bss: { url: 'https://bss.example/api/elements', fields: { name: 'hostname' } },
        },
      },
      { NSO_PASSWORD: 'pw-from-env', NETBOX_TOKEN: 'tok-from-env' },
    );
    expect(config.sources!.nso).to.include({ password: 'pw-from-env', authgroup: 'default', adminState: 'unlocked' });
    expect(config.sources!.netbox).to.include({ token: 'tok-from-env', tokenScheme: 'Token', pageSize: 100 });
    expect(config.sources!.bss).to.include({ authHeader: 'Authorization', authScheme: 'Bearer' });
    expect(config.sources!.timeoutMs).to.equal(10_000);
  });

  it('names an unknown key and a missing variable', () => {
    expect(() => parseConfig({ sources: { nso: { url: 'https://n', username: 'u', password: 'p', pasword: 'x' } } }, {}))
      .to.throw(/sources\.nso\.pasword/)
      .with.property('code', 'CONFIG_INVALID');
    expect(() => parseConfig({ sources: { netbox: { url: 'https://n', token: '${NB_TOKEN}' } } }, {}))
      .to.throw(/sources\.netbox\.token/)
      .with.property('code', 'CONFIG_INVALID');
    expect(() => parseConfig({ sources: { bss: { url: 'https://b.example/elements', nextField: 'links.next' } } }, {}))
      .to.throw(/sources\.bss\.nextField.*needs itemsField/)
      .with.property('code', 'CONFIG_INVALID');
    expect(() => parseConfig({ sources: { schedule: 'every hour' } }, {}))
      .to.throw(/sources\.schedule.*cron expression/)
      .with.property('code', 'CONFIG_INVALID');
  });

  it('refuses credentials in a source URL without repeating them', () => {
    let err: unknown;
    try {
      parseConfig({ sources: { bss: { url: 'https://ops:hunter2-secret@bss.example/api/elements' } } }, {});
    } catch (e) {
      err = e;
    }
    expect(err).to.have.property('code', 'CONFIG_INVALID');
    expect((err as Error).message)
      .to.contain('sources.bss.url')
      .and.not.contain('hunter2');
  });
});
