/**
 * Natural order for names such as hostnames and interface names: sw-2 before sw-10, Ethernet2 before
 * Ethernet10, letters compared without case. Written out rather than with Intl.Collator: creating a collator
 * loads ICU's collation data, which cost a short CLI command 10-40 ms and the daemon ~3 MB of resident memory.
 */
const RUNS = /(\d+)|(\D+)/g;

export function naturalCompare(a: string, b: string): number {
  const x = a.match(RUNS) ?? [];
  const y = b.match(RUNS) ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    const pDigits = p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57;
    const qDigits = q.charCodeAt(0) >= 48 && q.charCodeAt(0) <= 57;
    if (pDigits && qDigits) {
      // Numerically, without Number() (runs may be longer than a double holds exactly): by length once leading zeros are off.
      const pt = p.replace(/^0+/, '');
      const qt = q.replace(/^0+/, '');
      if (pt.length !== qt.length) return pt.length - qt.length;
      if (pt !== qt) return pt < qt ? -1 : 1;
    } else if (pDigits !== qDigits) {
      return pDigits ? -1 : 1;
    } else {
      const pl = p.toLowerCase();
      const ql = q.toLowerCase();
      if (pl !== ql) return pl < ql ? -1 : 1;
    }
  }
  if (x.length !== y.length) return x.length - y.length;
  // Equal but for case or leading zeros: still a stable, total order.
  return a === b ? 0 : a < b ? -1 : 1;
}
