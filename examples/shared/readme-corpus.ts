// The corpus of the demo and of the search-quality evaluation (eval/run-eval.ts):
// README files under node_modules, cut into chunks of whole paragraphs.
// Shared so that `npm run demo` and `npm run eval` search exactly the same chunks.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

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

/** Splits markdown into chunks of whole paragraphs, about `size` characters each. */
export function chunkText(markdown: string, size = 800): string[] {
  const paragraphs = markdown.replace(/```[\s\S]*?```/g, " ").split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 40);
  const chunks: string[] = [];
  let current = "";
  for (const p of paragraphs) {
    if (current.length + p.length > size && current) {
      chunks.push(current);
      current = "";
    }
    current += (current ? "\n" : "") + p;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The READMEs under `root` (at most `limit` files) and their chunks, numbered from 0. */
export async function loadReadmeChunks(root = "node_modules", limit = Number.POSITIVE_INFINITY): Promise<{ files: string[]; chunks: ReadmeChunk[] }> {
  const files = await findReadmes(root, limit);
  const chunks: ReadmeChunk[] = [];
  for (const file of files) {
    for (const text of chunkText(await readFile(file, "utf8"))) chunks.push({ id: chunks.length, package: packageOf(file, root), text });
  }
  return { files, chunks };
}
