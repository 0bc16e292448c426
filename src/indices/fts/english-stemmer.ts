/**
 * Quiver's light English stemmer: a few suffix-stripping rules that map the
 * common inflections of a word to one stem, so that "indexes", "indexed" and
 * "indexing" all match "index". A stem need not be a word ("configure" →
 * "configur"); what matters is that related forms agree, because documents and
 * queries are stemmed alike. It is deliberately small: it handles plurals,
 * past tenses, gerunds and the "-ation"/"-ate" family, and leaves other
 * derivations ("-ness", "-ly", "-er") alone rather than risk merging unrelated
 * words.
 *
 * Only words of three or more letters a–z are stemmed; anything else
 * (digits, other scripts, upper case) is returned unchanged. The rules run in
 * order, each on the result of the one before:
 *
 * 1. Plurals. "-sses" → "-ss" (classes → class); "-ies" → "-y" when the word is
 *    longer than four letters (queries → query), else "-ie" (ties → tie); a final
 *    "s" is dropped unless the word ends in "ss", "us" or "is" (indexes → indexe,
 *    status, analysis unchanged).
 * 2. Past tense and gerund. "-ied" → "-y" (or "-ie" for short words); "-ed" and
 *    "-ing" are dropped when what remains has at least two letters and a vowel
 *    (a, e, i, o, u, y): "parsed" → "pars", but "red", "string" stay. Then a
 *    doubled final consonant other than l, s and z is undoubled when at least
 *    four letters remain (running → run, stopped → stop, but added → add), and
 *    "e" is put back after a final "at" (validated → validate), so rule 3 sees it.
 * 3. The "-ation" family. "-ational" → "-ate" (relational → relate); "-ation" →
 *    "-e" when three or more letters remain before it (configuration → configure,
 *    tokenization → tokenize, but station stays); then "-ate" is dropped when
 *    three or more letters remain (validate → valid, relate → rel); a word that
 *    lost "-ate" is done.
 * 4. A final "e" is dropped when two or more letters remain, so that "cache",
 *    "caches", "cached" and "caching" all become "cach".
 */
export function stemEnglish(word: string): string {
  if (word.length < 3 || !IS_LOWER_ASCII_WORD.test(word)) return word;
  let w = word;

  // 1. Plurals.
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ies")) w = w.length > 4 ? `${w.slice(0, -3)}y` : w.slice(0, -1);
  else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) w = w.slice(0, -1);

  // 2. Past tense and gerund.
  if (w.endsWith("ied") && w.length > 3) {
    w = w.length > 4 ? `${w.slice(0, -3)}y` : w.slice(0, -1);
  } else {
    const suffix = w.endsWith("ed") ? 2 : w.endsWith("ing") ? 3 : 0;
    if (suffix > 0) {
      const stem = w.slice(0, -suffix);
      if (stem.length >= 2 && HAS_VOWEL.test(stem)) w = repairStem(stem);
    }
  }

  // 3. The "-ation" family.
  if (w.endsWith("ational") && w.length - 7 >= 2) w = `${w.slice(0, -7)}ate`;
  else if (w.endsWith("ation") && w.length - 5 >= 3) w = `${w.slice(0, -5)}e`;
  if (w.endsWith("ate") && w.length - 3 >= 3) return w.slice(0, -3);

  // 4. A final "e".
  if (w.endsWith("e") && w.length - 1 >= 2) w = w.slice(0, -1);
  return w;
}

const IS_LOWER_ASCII_WORD = /^[a-z]+$/;
const HAS_VOWEL = /[aeiouy]/;
const NOT_UNDOUBLED = new Set(["l", "s", "z"]);
const VOWELS = new Set(["a", "e", "i", "o", "u"]);

/** After "-ed"/"-ing": undouble a final consonant, and restore the "e" of "-ate". */
function repairStem(stem: string): string {
  const last = stem[stem.length - 1]!;
  if (stem.length >= 4 && last === stem[stem.length - 2] && !VOWELS.has(last) && !NOT_UNDOUBLED.has(last)) {
    return stem.slice(0, -1);
  }
  if (stem.endsWith("at")) return `${stem}e`;
  return stem;
}
