import { expect } from 'chai';
import { naturalCompare } from '../../../src/model/naturalCompare.ts';

describe('naturalCompare', () => {
  it('orders numbers inside names by value and letters without case', () => {
    const names = ['sw-10', 'SW-3', 'sw-2', 'Ethernet10', 'ethernet2', 'Ethernet1/10', 'Ethernet1/9', 'a', 'sw-02', 'sw-2a', 'sw', '10', '9'];
    expect([...names].sort(naturalCompare)).to.deep.equal([
      '9',
      '10',
      'a',
      'Ethernet1/9',
      'Ethernet1/10',
      'ethernet2',
      'Ethernet10',
      'sw',
      'sw-02',
      'sw-2',
      'sw-2a',
      'SW-3',
      'sw-10',
    ]);
  });

  it('is a total order: 0 only for equal strings, and antisymmetric', () => {
    for (const [a, b] of [
      ['sw-2', 'sw-02'],
      ['SW-1', 'sw-1'],
      ['x', 'x'],
      ['99999999999999999999', '100000000000000000000'],
    ] as const) {
      expect(Math.sign(naturalCompare(a, b))).to.equal(-Math.sign(naturalCompare(b, a)));
      expect(naturalCompare(a, b) === 0).to.equal(a === b);
    }
    expect(naturalCompare('99999999999999999999', '100000000000000000000')).to.be.below(0);
  });
});
