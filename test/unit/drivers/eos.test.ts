import { expect } from 'chai';
import { formatTimer, parseConfigSessions } from '../../../src/drivers/eos/eosSession.ts';
import { configBody, innerXml } from '../../../src/drivers/netconf/xml.ts';
import { sshFingerprint } from '../../../src/drivers/ssh.ts';

describe('EOS and XML helpers', () => {
  it('reads pending sessions from `show configuration sessions`', () => {
    const text = [
      'Maximum number of completed sessions: 1',
      'Maximum number of pending sessions: 5',
      '',
      '   Name                 State                  User       Terminal',
      '   -------------------- ---------------------- ---------- --------',
      '   netsync-lab-held     pending                admin      vty0',
      '*  netsync-t1           pending-commit-timer   netsync    vty3',
      '   old                  completed              ops        vty1',
    ].join('\n');
    expect(parseConfigSessions(text)).to.deep.equal([
      { name: 'netsync-lab-held', state: 'pending' },
      { name: 'netsync-t1', state: 'pending-commit-timer' },
      { name: 'old', state: 'completed' },
    ]);
    expect(parseConfigSessions('Maximum number of pending sessions: 5\n')).to.deep.equal([]);
  });

  it('formats commit timers as hh:mm:ss, at least one second', () => {
    expect(formatTimer(600)).to.equal('00:10:00');
    expect(formatTimer(3725)).to.equal('01:02:05');
    expect(formatTimer(0)).to.equal('00:00:01');
  });

  it('accepts configs with or without an XML declaration and <config> wrapper', () => {
    const body = '<system xmlns="urn:x"><hostname>a</hostname></system>';
    expect(configBody(body)).to.equal(body);
    expect(configBody(`<?xml version="1.0"?>\n<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${body}</config>`)).to.equal(body);
    expect(configBody(`<nc:config xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">${body}</nc:config>`)).to.equal(body);
  });

  it('cuts the raw inner XML of <data>, any prefix, nested same-name elements kept', () => {
    expect(innerXml('<rpc-reply><nc:data xmlns:nc="x"><a><data>1</data></a></nc:data></rpc-reply>', 'data')).to.equal('<a><data>1</data></a>');
    expect(innerXml('<rpc-reply><data/></rpc-reply>', 'data')).to.equal('');
    expect(innerXml('<rpc-reply><ok/></rpc-reply>', 'data')).to.equal(undefined);
  });

  it('prints host key fingerprints as OpenSSH does (ssh-keygen -l)', () => {
    const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIKSaSC+PoZji6FmaZQhmiEfIFa4pEzqc+tbEQXsaFKEp', 'base64');
    expect(sshFingerprint(blob)).to.equal('SHA256:XDJw/ArXoI3Ba3Evt4ukQO+ZwoQMI/0YmN2hahpXfZI');
  });
});
