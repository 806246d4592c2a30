/** The daemon's logger: a template secret's value never reaches the log, however it is embedded. */
import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/logging/logger.ts';

describe('logging: secret values', () => {
  it('writes the placeholder in place of a secret value, as written or JSON-escaped', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (b: Buffer) => (text += b.toString()));
    const log = createLogger('info', out, { snmp: 'p"ss-w0rd\\x' });
    log.info({ detail: 'community p"ss-w0rd\\x ro' }, 'device said p"ss-w0rd\\x');
    await new Promise((r) => setImmediate(r));
    expect(text).to.contain('«secret:snmp»');
    expect(text).not.to.contain('ss-w0rd');
    expect(JSON.parse(text).detail).to.equal('community «secret:snmp» ro');
  });
});
