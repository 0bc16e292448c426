/**
 * Inflection fallbacks for the `word-vectors` function: the forms an English
 * word may be an inflection of ("parsers" -> "parser", "minifies" -> "minify"),
 * most likely first. No dictionary of its own: a caller keeps the first form
 * that is in the vocabulary, so a rule that over-strips ("bus" -> "bu") does
 * no harm unless the stripped form is a word too.
 *
 * Two sets, because their risks differ:
 * - {@link pluralBases}: -s, -es, -ies. Safe enough to merge a known plural
 *   with its singular (the lexical part does, so "colors" matches "color").
 * - {@link inflectionBases}: also -ed, -ing, -er, -ers. Only for words the
 *   vocabulary lacks (technical words such as "minifier", "bundlers"), where any
 *   related form beats skipping the word.
 *
 * @internal
 * @module
 */

/** Singular forms `word` (lower-case) may be the plural of, most likely first. */
export function pluralBases(word: string): string[] {
  const n = word.length;
  if (n < 4 || !word.endsWith("s") || word.endsWith("ss") || word.endsWith("us") || word.endsWith("is")) return [];
  const out: string[] = [];
  if (n >= 5 && word.endsWith("ies")) out.push(`${word.slice(0, -3)}y`);
  out.push(word.slice(0, -1));
  if (word.endsWith("es")) out.push(word.slice(0, -2));
  return out;
}

/** Base forms `word` (lower-case) may be an inflection or agent noun of, most likely first. */
export function inflectionBases(word: string): string[] {
  const out = pluralBases(word);
  const n = word.length;
  const stem = (suffix: string) => word.slice(0, n - suffix.length);
  const undouble = (s: string) => (s.length >= 3 && s[s.length - 1] === s[s.length - 2] ? [s.slice(0, -1)] : []);
  for (const suffix of ["ers", "er", "ed"]) {
    if (n < suffix.length + 3 || !word.endsWith(suffix)) continue;
    const s = stem(suffix);
    if (s.endsWith("i")) out.push(`${s.slice(0, -1)}y`); // minifier -> minify, copied -> copy
    out.push(`${s}e`, s, ...undouble(s)); // bundler -> bundle, parsed -> parse; walked -> walk; stopped -> stop
  }
  if (n >= 6 && word.endsWith("ing")) {
    const s = stem("ing");
    out.push(`${s}e`, s, ...undouble(s)); // parsing -> parse, walking -> walk, running -> run
  }
  return out;
}
