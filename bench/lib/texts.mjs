/**
 * Short synthetic texts for the embedding workload: 6 to 14 words drawn from a
 * made-up vocabulary of 4,000 pronounceable words (Zipf-like frequencies, so a
 * few words are common and most are rare, as in real text). Every text in one
 * set is distinct: Quiver embeds identical texts of one write once, so
 * duplicates would hand it less work than the bare function call it is compared with.
 */

import { createRandom } from "./seeded-random.mjs";

const ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "st", "tr", "pl", "sh"];
const VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ea"];
const CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "rk"];
const VOCABULARY_SIZE = 4000;

function makeVocabulary(seed) {
  const random = createRandom(seed);
  const words = new Set();
  while (words.size < VOCABULARY_SIZE) {
    const syllables = 1 + random.integer(3);
    let word = "";
    for (let s = 0; s < syllables; s++) {
      word += ONSETS[random.integer(ONSETS.length)] + VOWELS[random.integer(VOWELS.length)] + CODAS[random.integer(CODAS.length)];
    }
    words.add(word);
  }
  return [...words];
}

/** The shared vocabulary, most frequent word first (word rank r is drawn with probability ~ 1 / (r + 10)). */
export function textVocabulary() {
  return makeVocabulary(7);
}

/**
 * `count` distinct texts of minWords..maxWords words (default 6..14). Sets made
 * with different seeds share the vocabulary (its seed is fixed), so query texts
 * use the same words as the rows.
 * @param {{ count: number, seed: number, exclude?: Set<string>, minWords?: number, maxWords?: number }} options exclude: texts not to produce
 */
export function createTexts({ count, seed, exclude, minWords = 6, maxWords = 14 }) {
  const vocabulary = makeVocabulary(7);
  const random = createRandom(seed);
  // Zipf-like: word rank r drawn with probability ~ 1 / (r + 10).
  const weights = vocabulary.map((_, r) => 1 / (r + 10));
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (cumulative[i] = total += w));
  const pick = () => {
    const x = random.uniform() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo];
  };
  const texts = [];
  const seen = new Set();
  while (texts.length < count) {
    const length = minWords + random.integer(maxWords - minWords + 1);
    const words = new Array(length);
    for (let w = 0; w < length; w++) words[w] = pick();
    const text = words.join(" ");
    if (seen.has(text) || exclude?.has(text)) continue;
    seen.add(text);
    texts.push(text);
  }
  return texts;
}
