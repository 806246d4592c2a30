/** What a web session keeps of its token: a keyed fingerprint that only the same configured token still matches. */
import { expect } from 'chai';
import { TokenAuth } from '../../../src/api/auth.ts';

describe('api/TokenAuth fingerprints', () => {
  const tokens = [
    { name: 'ops', token: 'operator-token-value', role: 'operator' as const },
    { name: 'noc', token: 'read-token-value', role: 'read' as const },
  ];
  const auth = new TokenAuth(tokens, false);

  it('finds the configured token a fingerprint was made from, and never holds the token itself', () => {
    const fp = auth.fingerprint('operator-token-value', 'key-1');
    expect(fp).to.match(/^[0-9a-f]{64}$/);
    expect(fp).to.not.contain('operator-token-value');
    expect(auth.grantOf(fp, 'key-1')).to.deep.equal({ name: 'ops', role: 'operator' });
    expect(auth.grantOf(auth.fingerprint('read-token-value', 'key-1'), 'key-1')).to.deep.equal({ name: 'noc', role: 'read' });
  });

  it('matches nothing once the token is removed or changed, under another key, or for junk', () => {
    const fp = auth.fingerprint('operator-token-value', 'key-1');
    expect(new TokenAuth([tokens[1]!], false).grantOf(fp, 'key-1')).to.equal(undefined);
    expect(new TokenAuth([{ ...tokens[0]!, token: 'rotated' }], false).grantOf(fp, 'key-1')).to.equal(undefined);
    expect(auth.grantOf(fp, 'key-2')).to.equal(undefined);
    expect(auth.grantOf('not hex at all', 'key-1')).to.equal(undefined);
    expect(auth.grantOf('', 'key-1')).to.equal(undefined);
  });

  it('gives the role the config has now (a session begun with another role is then ended by the web interface)', () => {
    const fp = auth.fingerprint('operator-token-value', 'key-1');
    expect(new TokenAuth([{ ...tokens[0]!, role: 'read' }], false).grantOf(fp, 'key-1')).to.deep.equal({ name: 'ops', role: 'read' });
  });
});
