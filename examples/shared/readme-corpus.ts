// The corpus of the demo and of the search-quality evaluation (eval/run-eval.ts):
// README files under node_modules, cut into short chunks of prose, one section at a time.
// Shared so that `npm run demo` and `npm run eval` search exactly the same chunks.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { cleanInline, proseParagraphs } from "./markdown-clean.js";
import { splitSections } from "./markdown-sections.js";

/** One chunk of a README: `package` is the npm package whose folder holds the file. */
export interface ReadmeChunk {
  id: number;
  package: string;
  text: string;
}

/** README.md files under `dir` (at most 4 folders deep), in directory order, at most `limit`. */
export async function findReadmes(dir: string, limit = Number.POSITIVE_INFINITY, found: string[] = [], depth = 0): Promise<string[]> {
  if (depth > 4 || found.length >= limit) return found;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (found.length >= limit) break;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith(".")) await findReadmes(path, limit, found, depth + 1);
    else if (entry.isFile() && /^readme\.md$/i.test(entry.name)) found.push(path);
  }
  return found;
}

/** The package a README under `root` belongs to: the first folder, or the first two for a scope. */
export function packageOf(path: string, root = "node_modules"): string {
  const parts = relative(root, path).split(sep);
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Sections under these headings are legal or project boilerplate, the same in many READMEs. */
const BOILERPLATE_HEADING = /^(licen[cs]e|copyright)\b/i;

/**
 * Splits a README into chunks of about `size` characters of prose, each within one section and
 * prefixed with where it comes from: "package > Heading > Subheading". Code blocks, tables,
 * badges, images, HTML tags, link-only lines and licence sections are left out (see
 * markdown-clean.ts). Short chunks keep a chunk about one thing, so its embedding is too; the
 * prefix keeps the package name and the topic in every chunk.
 */
export function chunkText(markdown: string, packageName: string, size = DEFAULT_CHUNK_SIZE): string[] {
  const chunks: string[] = [];
  const ownName = comparable(packageName);
  for (const section of splitSections(markdown, cleanInline)) {
    if (section.path.some((h) => BOILERPLATE_HEADING.test(h))) continue;
    // A top heading that is just the package's name repeats the prefix.
    const path = section.path.filter((h, i) => !(i === 0 && comparable(h) === ownName));
    const prefix = [packageName, ...path].join(" > ");
    let current = "";
    for (const paragraph of proseParagraphs(section.body).flatMap((p) => pieces(p, size))) {
      if (current !== "" && current.length + paragraph.length > size) {
        chunks.push(`${prefix}\n${current}`);
        current = "";
      }
      current += (current === "" ? "" : "\n") + paragraph;
    }
    if (current !== "") chunks.push(`${prefix}\n${current}`);
  }
  return chunks;
}

/**
 * Default target length of a chunk's prose, in characters. Chosen on the eval's dev questions
 * for `word-vectors` (the demo's function): 350 to 1,000 all score within a few points.
 */
export const DEFAULT_CHUNK_SIZE = 800;

/** A paragraph longer than `size` cut at line ends, then at sentence ends. */
function pieces(paragraph: string, size: number): string[] {
  if (paragraph.length <= size) return [paragraph];
  const out: string[] = [];
  let current = "";
  for (const unit of paragraph.split("\n").flatMap((line) => (line.length <= size ? [line] : line.split(/(?<=[.!?])\s+/)))) {
    if (current !== "" && current.length + unit.length > size) {
      out.push(current);
      current = "";
    }
    current += (current === "" ? "" : "\n") + unit;
  }
  if (current !== "") out.push(current);
  return out;
}

function comparable(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** The READMEs under `root` (at most `limit` files) and their chunks, numbered from 0. */
export async function loadReadmeChunks(root = "node_modules", limit = Number.POSITIVE_INFINITY): Promise<{ files: string[]; chunks: ReadmeChunk[] }> {
  const files = await findReadmes(root, limit);
  const chunks: ReadmeChunk[] = [];
  for (const file of files) {
    const name = packageOf(file, root);
    for (const text of chunkText(await readFile(file, "utf8"), name)) chunks.push({ id: chunks.length, package: name, text });
  }
  return { files, chunks };
}
