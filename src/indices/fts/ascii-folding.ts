/** Letters that Unicode decomposition does not reduce to ASCII, with their usual ASCII spelling. */
const SPECIAL: Readonly<Record<string, string>> = {
  ß: "ss",
  ẞ: "SS",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ð: "d",
  Ð: "D",
  þ: "th",
  Þ: "TH",
  ı: "i",
  ħ: "h",
  Ħ: "H",
  ŀ: "l",
  Ŀ: "L",
};

const NON_ASCII = /[^\u0000-\u007f]/;
const COMBINING_MARKS = /\p{M}/gu;
const SPECIAL_LETTERS = new RegExp(`[${Object.keys(SPECIAL).join("")}]`, "g");

/**
 * Folds a token to ASCII where a letter has an obvious ASCII form: accents and
 * other combining marks are removed after compatibility decomposition (NFKD:
 * "é" → "e", "ﬁ" → "fi", full-width "Ａ" → "A"), and a few letters that do not
 * decompose are spelled out ("ß" → "ss", "ø" → "o"). Other characters (CJK,
 * Cyrillic...) stay as they are. ASCII tokens are returned unchanged at once.
 */
export function foldToAscii(token: string): string {
  if (!NON_ASCII.test(token)) return token;
  return token.normalize("NFKD").replace(COMBINING_MARKS, "").replace(SPECIAL_LETTERS, (c) => SPECIAL[c]!);
}
