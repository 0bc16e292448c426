// Cuts a markdown file into sections: the text under each heading, with the path of headings above it.
// Used by the README corpus (readme-corpus.ts) so each chunk can say where in its README it comes from.

/** The text under one heading (up to the next heading of any level). */
export interface MarkdownSection {
  /** Headings from the outermost to this section's own, e.g. ["Usage", "Options"]. Empty before the first heading. */
  path: string[];
  /** The markdown between this heading and the next, code blocks removed. */
  body: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})/;
const ATX = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const SETEXT = /^\s{0,3}(=+|-+)\s*$/;

/**
 * Splits `markdown` at ATX (`## Title`) and setext (`Title` over `===` / `---`) headings.
 * Fenced code blocks are removed first: their `#` comments are not headings, and code
 * is not prose to embed. `cleanHeading` turns a heading's markdown into plain text.
 */
export function splitSections(markdown: string, cleanHeading: (heading: string) => string = (h) => h): MarkdownSection[] {
  const lines = withoutCodeBlocks(markdown.replace(/\r\n?/g, "\n")).split("\n");
  const sections: MarkdownSection[] = [];
  const stack: { level: number; title: string }[] = [];
  let body: string[] = [];
  const flush = () => {
    const text = body.join("\n").trim();
    if (text !== "") sections.push({ path: stack.map((h) => h.title).filter((t) => t !== ""), body: text });
    body = [];
  };
  const open = (level: number, title: string) => {
    flush();
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, title: cleanHeading(title).trim() });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const atx = ATX.exec(line);
    if (atx) {
      open(atx[1]!.length, atx[2]!);
      continue;
    }
    // A setext underline turns the previous line (a one-line paragraph) into a heading;
    // a lone `---` after a blank line is a thematic break, not a heading.
    const next = lines[i + 1];
    if (next !== undefined && line.trim() !== "" && SETEXT.test(next) && !/^\s*[-*+|>]/.test(line)) {
      const previous = body[body.length - 1];
      if (previous === undefined || previous.trim() === "") {
        open(next.trim().startsWith("=") ? 1 : 2, line.trim());
        i++;
        continue;
      }
    }
    body.push(line);
  }
  flush();
  return sections;
}

/** Removes fenced code blocks (``` or ~~~), keeping a blank line so paragraphs stay apart. */
function withoutCodeBlocks(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const match = FENCE.exec(line);
    if (fence === undefined) {
      if (match) {
        fence = match[2]!;
        out.push("");
      } else out.push(line);
    } else if (match && match[2]!.startsWith(fence) && line.trim() === match[2]) {
      fence = undefined;
    }
  }
  return out.join("\n");
}
