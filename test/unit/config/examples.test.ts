/** The example config in examples/ is the documentation of every section: it must stay valid. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../../src/config/load.ts';

const EXAMPLE = new URL('../../../examples/netsync.yml', import.meta.url);
const ENV = {
  NETSYNC_OPERATOR_TOKEN: 'operator-token-0123456789',
  NETSYNC_NOC_TOKEN: 'noc-read-token-0123456789',
  NETSYNC_DEVICE_PASSWORD: 'device-password',
  NETSYNC_GIT_TOKEN: 'git-token',
  NETSYNC_WEBHOOK_SECRET: 'webhook-secret',
  GITHUB_TOKEN: 'github-token',
  NETBOX_TOKEN: 'netbox-token',
};

describe('examples/netsync.yml', () => {
  it('is a valid config that uses every top-level section', () => {
    const raw = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    const config = parseConfig(raw, ENV);
    expect(config.repos?.settings.url).to.equal('https://git.example.net/netops/settings.git');
    expect(config.devices?.password).to.equal('device-password');
    const sections = Object.keys(parseConfig({}, {}) as Record<string, unknown>).concat(['repos', 'devices', 'sources']);
    for (const key of new Set(sections)) expect(raw, `section ${key}`).to.have.property(key);
  });

  it('names the missing environment variable when a secret is not set', () => {
    const raw = parse(readFileSync(EXAMPLE, 'utf8'));
    const { NETSYNC_DEVICE_PASSWORD: _omit, ...env } = ENV;
    try {
      parseConfig(raw, env);
      expect.fail('expected CONFIG_INVALID');
    } catch (err) {
      expect((err as { code: string; data: { variable: string } }).code).to.equal('CONFIG_INVALID');
      expect((err as { data: { variable: string } }).data.variable).to.equal('NETSYNC_DEVICE_PASSWORD');
    }
  });
});
