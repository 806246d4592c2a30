/** The lab's public surface, which drivers, the commit engine and benchmarks build on. */
import { expect } from 'chai';
import * as lab from '../../../src/lab/index.ts';

describe('lab: public exports', () => {
  it('exports exactly startLab, canonicalConfig, labSpecs and NO_FAULTS', () => {
    expect(Object.keys(lab).sort()).to.deep.equal(['NO_FAULTS', 'canonicalConfig', 'labSpecs', 'startLab']);
  });

  it('names devices <prefix>-NNN and alternates platforms when mixed', () => {
    expect(lab.labSpecs(3, 'mixed', 'sw', 830)).to.deep.equal([
      { hostname: 'sw-001', platform: 'netconf', port: 830 },
      { hostname: 'sw-002', platform: 'eos', port: 831 },
      { hostname: 'sw-003', platform: 'netconf', port: 832 },
    ]);
    expect(lab.labSpecs(1000, 'eos')[999]).to.deep.equal({ hostname: 'lab-1000', platform: 'eos' });
    expect(() => lab.labSpecs(0))
      .to.throw()
      .with.property('code', 'BAD_REQUEST');
  });
});
