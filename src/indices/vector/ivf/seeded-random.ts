/**
 * A small deterministic random source for index training: the same seed gives
 * the same samples and the same initial centroids, so an index built twice from
 * the same rows has the same bytes.
 *
 * @internal
 * @module
 */

/** Returns numbers in [0, 1). */
export type RandomSource = () => number;

/** The seed used when the caller gives none: builds are deterministic by default. */
export const DEFAULT_SEED = 0x5eed_1f;

/**
 * A Weyl sequence passed through a 32-bit avalanche mix. Not cryptographic;
 * it only has to be fast, well spread and identical on every platform (it uses
 * only 32-bit integer arithmetic, no floating-point state).
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomInt(random: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/**
 * `count` distinct indexes of [0, n), ascending (ascending keeps reads of the
 * source vectors sequential). All of them when count ≥ n.
 */
export function sampleIndices(n: number, count: number, random: RandomSource): Uint32Array {
  if (count >= n) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  let picked: Uint32Array;
  if (count * 4 > n) {
    // A dense sample: partial Fisher-Yates over every index.
    const pool = new Uint32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + randomInt(random, n - i);
      const t = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = t;
    }
    picked = pool.slice(0, count);
  } else {
    // A sparse sample: Floyd's method needs memory for the sample only.
    const chosen = new Set<number>();
    for (let j = n - count; j < n; j++) {
      const t = randomInt(random, j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    picked = Uint32Array.from(chosen);
  }
  return picked.sort();
}
