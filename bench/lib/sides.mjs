/**
 * The two databases under test. Both expose LanceDB's API (`connect`,
 * `createTable`, `add`, `search(...).where(...).limit(...).toArray()`), so the
 * workloads call them through the same code; a side only knows how to load itself.
 */

import { readFile } from "node:fs/promises";

/** The order sides are listed in reports; "ours" first, the ratio is ours / theirs. */
export const SIDE_NAMES = ["quiverdb", "lancedb"];

const LOADERS = {
  quiverdb: {
    // The built package, exactly what `npm publish` would ship.
    specifier: () => new URL("../../dist/index.js", import.meta.url).href,
    embeddingSpecifier: () => new URL("../../dist/embedding/index.js", import.meta.url).href,
    packageJson: () => new URL("../../package.json", import.meta.url),
  },
  lancedb: {
    specifier: () => import.meta.resolve("@lancedb/lancedb"),
    embeddingSpecifier: () => import.meta.resolve("@lancedb/lancedb/embedding"),
    packageJson: () => new URL("../node_modules/@lancedb/lancedb/package.json", import.meta.url),
  },
};

/**
 * Imports one side. The returned `specifier` is an absolute URL, so a child
 * process started anywhere imports the very same files.
 * @param {"quiverdb" | "lancedb"} name
 */
export async function loadSide(name) {
  const loader = LOADERS[name];
  if (loader === undefined) throw new Error(`unknown side "${name}"; expected one of ${SIDE_NAMES.join(", ")}`);
  const specifier = loader.specifier();
  const module = await import(specifier);
  const { version } = JSON.parse(await readFile(loader.packageJson(), "utf8"));
  return { name, specifier, module, version };
}

/**
 * Imports a side's embedding module (`quiverdb/embedding` from the build, or
 * `@lancedb/lancedb/embedding`): `TextEmbeddingFunction`, `getRegistry`, `register`.
 * @param {{ name: string }} side a side returned by loadSide
 */
export async function loadEmbeddingModule(side) {
  return import(LOADERS[side.name].embeddingSpecifier());
}
