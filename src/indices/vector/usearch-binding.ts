import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { NotSupportedError } from "../../errors.js";

/** The native index class of usearch, used directly (see {@link loadUsearchBinding}). @internal */
export interface NativeHnsw {
  /**
   * Inserts on `threads` threads (0: every online CPU). When the graph must
   * grow it reserves per-thread contexts for exactly `threads`; an add on more
   * threads than were last reserved for fails ("Reserve capacity ahead of insertions!").
   */
  add(keys: BigUint64Array, vectors: Float32Array | Int8Array, threads: number): void;
  /** Keys, distances and per-query counts; keys and distances hold `k` slots per query. */
  search(queries: Float32Array | Int8Array, k: number, threads: number): [BigUint64Array, Float32Array, BigUint64Array];
  remove(keys: BigUint64Array): number[];
  size(): number;
  dimensions(): number;
  save(path: string): void;
  load(path: string): void;
  view(path: string): void;
}

/** @internal */
export interface UsearchBinding {
  readonly CompiledIndex: new (
    dimensions: number,
    metric: string,
    quantization: string,
    connectivity: number,
    expansionAdd: number,
    expansionSearch: number,
    multi: boolean,
  ) => NativeHnsw;
}

let binding: UsearchBinding | null | undefined;

/**
 * usearch's compiled module. Quiver talks to it rather than to the package's
 * `Index` wrapper because the wrapper converts Int8Array input to Float32Array,
 * which makes usearch re-quantize (normalising every vector to unit length)
 * instead of storing our own 8-bit codes. Throws NotSupportedError when the
 * native module does not load on this platform.
 */
export function loadUsearchBinding(): UsearchBinding {
  if (binding === undefined) {
    try {
      const main = createRequire(import.meta.url).resolve("usearch");
      // main is <root>/javascript/dist/cjs/usearch.js; node-gyp-build finds the prebuilt binary under <root>.
      const root = resolve(dirname(main), "..", "..", "..");
      const loaded = createRequire(main)("node-gyp-build")(root) as Partial<UsearchBinding>;
      binding = typeof loaded.CompiledIndex === "function" ? (loaded as UsearchBinding) : null;
    } catch {
      // Reported below as NotSupportedError: a platform without usearch's binary can still search exactly.
      binding = null;
    }
  }
  if (binding === null) {
    throw new NotSupportedError(
      "HNSW indexes need usearch's native module, which does not load on this platform; vector search stays exact without an index.",
    );
  }
  return binding;
}
