import { expect } from 'chai';
import { parseConfig } from '../../../src/config/load.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';

function failure(raw: unknown, env: NodeJS.ProcessEnv = {}): NetsyncError {
  try {
    parseConfig(raw, env);
  } catch (err) {
    return err as NetsyncError;
  }
  throw new Error('expected the config to be refused');
}

describe('config', () => {
  it('fills defaults for an empty file', () => {
    const c = parseConfig({}, {});
    expect(c.listen).to.deep.equal({ host: '127.0.0.1', port: 8080 });
    expect(c.api.openReads).to.equal(false);
  });

  it('names an unknown key, also nested', () => {
    const top = failure({ lisen: {} });
    expect(top.code).to.equal('CONFIG_INVALID');
    expect(top.message).to.contain("'lisen'");
    expect(failure({ api: { openreads: true } }).message).to.contain("'api.openreads'");
  });

  it('names a bad value', () => {
    const err = failure({ listen: { port: 'eighty' } });
    expect(err.code).to.equal('CONFIG_INVALID');
    expect(err.message).to.contain('listen.port');
  });

  it('names a body limit the HTTP parser would not understand, and takes the ones it does', () => {
    expect(failure({ api: { bodyLimit: 'lots' } }).message).to.contain("'api.bodyLimit'");
    expect(failure({ intake: { bodyLimit: '5 megabytes' } }).message).to.contain("'intake.bodyLimit'");
    for (const ok of ['1mb', '512KB', '2.5 mb', '1048576']) expect(parseConfig({ api: { bodyLimit: ok } }, {}).api.bodyLimit, ok).to.equal(ok);
  });

  it('takes store lowdb (the default, also without kind) or postgres with its URL from the environment', () => {
    expect(parseConfig({}, {}).store).to.deep.equal({ kind: 'lowdb' });
    expect(parseConfig({ store: { path: 's.json' } }, {}).store).to.deep.equal({ kind: 'lowdb', path: 's.json' });
    const pg = parseConfig({ store: { kind: 'postgres', url: '${DB_URL}' } }, { DB_URL: 'postgres://u:pw@db:5432/netsync' }).store;
    expect(pg).to.deep.include({ kind: 'postgres', url: 'postgres://u:pw@db:5432/netsync', maxConnections: 10 });
    const notPg = failure({ store: { kind: 'postgres', url: 'mysql://u:hidden-pw@db/x' } });
    expect(notPg.message).to.contain("'store.url'").and.not.contain('hidden-pw');
    expect(failure({ store: { kind: 'postgres' } }).message).to.contain("'store.url'");
    expect(failure({ store: { kind: 'postgres', url: 'postgres://db/x', path: 'x' } }).message).to.contain("'store.path'");
    expect(failure({ store: { kind: 'mongo' } }).message).to.contain("'store.kind'");
  });

  it('takes secrets from the environment, with defaults, and names a missing variable', () => {
    const tokens = [{ name: 'ops', token: '${OPS_TOKEN}', role: 'operator' }];
    expect(parseConfig({ api: { tokens } }, { OPS_TOKEN: 'a-very-long-secret-token' }).api.tokens[0]!.token).to.equal('a-very-long-secret-token');
    expect(parseConfig({ dataDir: '${DATA:-/var/lib/netsync}' }, {}).dataDir).to.equal('/var/lib/netsync');
    const err = failure({ api: { tokens } });
    expect(err.code).to.equal('CONFIG_INVALID');
    expect(err.data).to.deep.include({ key: 'api.tokens.0.token', variable: 'OPS_TOKEN' });
  });

  it('refuses short tokens', () => {
    expect(failure({ api: { tokens: [{ name: 'a', token: 'short', role: 'read' }] } }).code).to.equal('CONFIG_INVALID');
  });
});
