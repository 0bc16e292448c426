/**
 * Smooth-inverse-frequency (SIF) weighting and the common component for the
 * `word-vectors` function.
 *
 * A sentence vector is the average of its word vectors, each weighted by
 * `a / (a + p(w))` where `p(w)` is the word's probability: frequent words
 * ("the", "of") count little, rare ones almost fully. The word list carries
 * ranks, not counts, so `p(w)` is estimated with the Zipf-Mandelbrot law
 * `p(rank) = 1 / ((rank + 2.7) * H)` (H normalises the sum to 1).
 *
 * Averages of many words share one direction (the "common component": syntax
 * and frequency more than meaning). It is the first principal direction
 * (uncentred) of a sample of sentence vectors; removing it (`v - (v . u) u`)
 * leaves what distinguishes the texts. The sample is built deterministically:
 * pseudo-sentences of words drawn from the estimated frequencies with a seeded
 * generator.
 *
 * @internal
 * @module
 */

import type { WordVectors } from "./word-vectors-cache.js";

/** Zipf-Mandelbrot offset: p(rank) is proportional to 1 / (rank + ZIPF_OFFSET), rank from 1. */
export const ZIPF_OFFSET = 2.7;
/** Default SIF smoothing `a`. */
export const DEFAULT_SMOOTHING = 1e-3;

/** Estimated probability of each of `count` frequency-ordered words. */
export function zipfProbabilities(count: number): Float64Array {
  const p = new Float64Array(count);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    p[i] = 1 / (i + 1 + ZIPF_OFFSET);
    sum += p[i]!;
  }
  for (let i = 0; i < count; i++) p[i] = p[i]! / sum;
  return p;
}

/**
 * Per-word multipliers for the int8 values: the word's quantisation scale
 * times its SIF weight `a / (a + p(w))`.
 */
export function weightedScales(vectors: WordVectors, smoothing: number): Float32Array {
  const p = zipfProbabilities(vectors.count);
  const out = new Float32Array(vectors.count);
  for (let i = 0; i < vectors.count; i++) out[i] = vectors.scales[i]! * (smoothing / (smoothing + p[i]!));
  return out;
}

const SAMPLE_SENTENCES = 4096;
const SAMPLE_WORDS = 12;
const SAMPLE_SEED = 0x51f15eed;
const POWER_ITERATIONS = 100;
/** Sampled words look like words the tokenizer produces: letters and digits, optionally joined. */
const SAMPLE_WORD = /^[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*$/u;

/**
 * Estimates the common component: the unit vector `u` (largest component
 * positive) that the SIF averages of a fixed pseudo-random sample of sentences
 * share most. Deterministic for given vectors and smoothing.
 */
export function estimateCommonComponent(vectors: WordVectors, scales: Float32Array): Float32Array {
  const { dims, values } = vectors;
  // Words a text can contain, with their cumulative probability.
  const p = zipfProbabilities(vectors.count);
  const rows: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [word, row] of vectors.index) {
    if (!SAMPLE_WORD.test(word)) continue;
    total += p[row]!;
    rows.push(row);
    cumulative.push(total);
  }
  if (rows.length === 0) throw new RangeError("the vocabulary has no words to estimate the common component from");
  const random = mulberry32(SAMPLE_SEED);
  const covariance = new Float64Array(dims * dims);
  const sentence = new Float64Array(dims);
  for (let s = 0; s < SAMPLE_SENTENCES; s++) {
    sentence.fill(0);
    for (let w = 0; w < SAMPLE_WORDS; w++) {
      const row = rows[lowerBound(cumulative, random() * total)]!;
      const scale = scales[row]!;
      const base = row * dims;
      for (let k = 0; k < dims; k++) sentence[k]! += values[base + k]! * scale;
    }
    for (let k = 0; k < dims; k++) sentence[k] = sentence[k]! / SAMPLE_WORDS;
    for (let i = 0; i < dims; i++) {
      const si = sentence[i]!;
      for (let j = 0; j < dims; j++) covariance[i * dims + j]! += si * sentence[j]!;
    }
  }
  // Power iteration for the top eigenvector of the (uncentred) covariance.
  let u = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    const next = new Float64Array(dims);
    for (let i = 0; i < dims; i++) {
      let acc = 0;
      for (let j = 0; j < dims; j++) acc += covariance[i * dims + j]! * u[j]!;
      next[i] = acc;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) break;
    for (let i = 0; i < dims; i++) next[i] = next[i]! / norm;
    u = next;
  }
  let largest = 0;
  for (let i = 1; i < dims; i++) if (Math.abs(u[i]!) > Math.abs(u[largest]!)) largest = i;
  const sign = u[largest]! < 0 ? -1 : 1;
  return Float32Array.from(u, (x) => x * sign);
}

/** Removes the component along unit vector `u` from `v` (in place). */
export function removeComponent(v: Float64Array, u: Float32Array): void {
  let dot = 0;
  for (let k = 0; k < v.length; k++) dot += v[k]! * u[k]!;
  for (let k = 0; k < v.length; k++) v[k] = v[k]! - dot * u[k]!;
}

/** A small, fast, seeded 32-bit generator (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
