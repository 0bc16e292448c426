/**
 * A small seeded pseudo-random generator, so every run (and both databases in a
 * run) sees exactly the same data. A Weyl sequence (add the 32-bit golden-ratio
 * constant) is pushed through a 32-bit avalanche mix; plenty for synthetic data,
 * not for anything cryptographic.
 */

const TWO_POW_32 = 4294967296;

/**
 * @param {number} seed any integer; the same seed gives the same sequence.
 */
export function createRandom(seed) {
  let state = seed >>> 0;
  let spareGaussian = Number.NaN;

  /** The next 32 random bits as an unsigned integer. */
  function nextUint32() {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** Uniform in (0, 1): never exactly 0, so it is safe under a logarithm. */
  function uniform() {
    return (nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Standard normal (Box-Muller, the second value of each pair is kept for the next call). */
  function gaussian() {
    if (!Number.isNaN(spareGaussian)) {
      const value = spareGaussian;
      spareGaussian = Number.NaN;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    spareGaussian = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** An integer in [0, bound). */
  function integer(bound) {
    return Math.floor(uniform() * bound);
  }

  return { nextUint32, uniform, gaussian, integer };
}
