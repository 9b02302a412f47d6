/**
 * Bits that differ between two hashes written as hex digits of equal length (a 64-bit perceptual hash is 16).
 * @throws RangeError when the lengths differ or a digit is not hex.
 */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`hashes differ in length: ${a.length} and ${b.length} hex digits`);
  let bits = 0;
  for (let k = 0; k < a.length; k++) {
    const da = Number.parseInt(a[k]!, 16);
    const db = Number.parseInt(b[k]!, 16);
    if (Number.isNaN(da) || Number.isNaN(db)) throw new RangeError(`not a hex hash: '${a}' or '${b}'`);
    let x = da ^ db;
    while (x) { bits += x & 1; x >>= 1; }
  }
  return bits;
}
