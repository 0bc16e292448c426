// Turns README markdown into the prose worth embedding. Tables, badges, images, HTML tags,
// link-only lines (tables of contents, navigation) and bare URLs say little about what a package
// does, yet a README full of them yields many chunks that look alike to an embedding and crowd
// out the ones that answer a question. Used by readme-corpus.ts.

const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const LINK_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*\S+/;
const IMAGE = /!\[[^\]]*\](\([^)]*\)|\[[^\]]*\])/g;
const EMPTY_LINK = /\[\s*\](\([^)]*\)|\[[^\]]*\])/g;
const LINK = /\[([^\]]*)\](\([^)]*\)|\[[^\]]*\])/g;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const HTML_TAG = /<\/?[a-zA-Z][^>]*>/g;
const URL = /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/g;
const LIST_MARKER = /^\s*(?:[-*+]|\d+[.)])\s+/;
const LETTERS = /\p{L}/u;

/** The plain text of a heading or inline span: images, HTML tags and link targets removed. */
export function cleanInline(text: string): string {
  return text
    .replace(HTML_COMMENT, " ")
    .replace(IMAGE, " ")
    .replace(EMPTY_LINK, " ")
    .replace(LINK, "$1")
    .replace(HTML_TAG, " ")
    .replace(URL, " ")
    .replace(/&nbsp;|&#160;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/[ \t]+/g, " ")
    .trim();
}

/**
 * The prose of a block of markdown (a section body), one paragraph per entry: table rows,
 * link definitions, and lines that are only links or images are dropped; what remains is
 * made plain by {@link cleanInline}. Paragraphs with fewer than `minLetters` letters go too.
 */
export function proseParagraphs(markdown: string, minLetters = 12): string[] {
  const paragraphs: string[] = [];
  // Tags go first, over whole blocks: an <img> or <picture> tag often spans several lines.
  for (const block of markdown.replace(HTML_COMMENT, " ").replace(HTML_TAG, " ").split(/\n\s*\n/)) {
    const lines: string[] = [];
    for (const line of block.split("\n")) {
      if (TABLE_ROW.test(line) || TABLE_RULE.test(line) || LINK_DEFINITION.test(line) || isOnlyLinks(line)) continue;
      const text = cleanInline(line.replace(/^\s*>\s?/, ""));
      if (LETTERS.test(text)) lines.push(text);
    }
    const paragraph = lines.join("\n").trim();
    if (countLetters(paragraph) >= minLetters) paragraphs.push(paragraph);
  }
  return paragraphs;
}

/** A line made of links and images with no words of its own: a badge row, a table-of-contents entry, navigation. */
function isOnlyLinks(line: string): boolean {
  if (!line.includes("](") && !line.includes("][") && !/<(img|a)\b/i.test(line)) return false;
  const rest = line
    .replace(LIST_MARKER, "")
    .replace(IMAGE, " ")
    .replace(EMPTY_LINK, " ")
    .replace(LINK, " ")
    .replace(HTML_TAG, " ")
    .replace(URL, " ");
  return !LETTERS.test(rest);
}

function countLetters(text: string): number {
  let n = 0;
  for (const ch of text) if (LETTERS.test(ch)) n++;
  return n;
}
