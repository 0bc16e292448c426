/**
 * murmur3's 32-bit finaliser: spreads every input bit over the output, so the
 * low bits (a bucket) and the top bit (a sign) of a weak hash such as FNV both
 * vary. The result feeds stored embeddings (`hashing`, `word-vectors`): it must
 * never change.
 */
export function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
