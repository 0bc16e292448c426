// A registrable fake embedding function for table-level tests.
//
// A table does not keep the instance it was created with: every add, merge and
// text search rebuilds its functions from the schema metadata through the
// registry. So what a test observes (calls, batch sizes, concurrency) and what
// it scripts (failures, bad output) cannot live on the instance; it lives in a
// probe keyed by the `tag` option, which the metadata saves and every rebuilt
// instance gets back.
import { TextEmbeddingFunction, getRegistry, register, type EmbeddingBatch } from "../../src/embedding/index.js";

/** The registry name of {@link FakeTextFunction}. */
export const FAKE_FUNCTION_NAME = "quiver-test-fake";

/** Options of {@link FakeTextFunction}, saved with the table. */
export interface FakeOptions {
  /** Names the probe that records calls and holds the scripted behaviour. */
  tag: string;
  /** Vector width. Default 4. */
  ndims?: number;
}

/** Replaces the default output for one call (0-based `call` counts every call, retries included). */
export type FakeBehaviour = (texts: string[], call: number) => EmbeddingBatch | Promise<EmbeddingBatch>;

/** What the fake saw for one tag, and how it behaves. */
export class FakeProbe {
  /** Every batch received, in call order. */
  readonly calls: string[][] = [];
  /** Most calls running at once. */
  maxInFlight = 0;
  inFlight = 0;
  /** Milliseconds each call waits before answering. */
  delayMs = 0;
  behaviour: FakeBehaviour | undefined;

  /** Every text received, over all calls. */
  get texts(): string[] {
    return this.calls.flat();
  }

  /** The size of each batch, sorted (batches may run concurrently). */
  get batchSizes(): number[] {
    return this.calls.map((c) => c.length).sort((a, b) => b - a);
  }

  reset(): void {
    this.calls.length = 0;
    this.maxInFlight = 0;
  }
}

const probes = new Map<string, FakeProbe>();
let nextTag = 0;

/** The probe of `tag` (created on first use). */
export function fakeProbe(tag: string): FakeProbe {
  let probe = probes.get(tag);
  if (probe === undefined) {
    probe = new FakeProbe();
    probes.set(tag, probe);
  }
  return probe;
}

/**
 * The fake's vector for a text: deterministic, finite, and different for
 * different texts (a weighted sum of the character codes per position), so
 * an exact text match is at distance 0 and other texts are not.
 */
export function fakeVector(text: string, ndims = 4): number[] {
  const out = new Array<number>(ndims).fill(0);
  out[0] = text.length;
  for (let k = 1; k < ndims; k++) {
    let sum = 0;
    for (let j = 0; j < text.length; j++) sum += text.charCodeAt(j) * (((j + 1) * (k + 3)) % 17);
    out[k] = sum / 64;
  }
  return out;
}

/** A text function whose output and calls are driven by the probe of its `tag`. */
export class FakeTextFunction extends TextEmbeddingFunction<FakeOptions> {
  readonly tag: string;
  readonly #ndims: number;

  constructor(options: FakeOptions = { tag: "untagged" }) {
    super();
    const resolved = this.resolveVariables(options);
    this.tag = String(resolved.tag ?? "untagged");
    this.#ndims = Number(resolved.ndims ?? 4);
  }

  override ndims(): number {
    return this.#ndims;
  }

  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    const probe = fakeProbe(this.tag);
    const call = probe.calls.length;
    probe.calls.push([...texts]);
    probe.inFlight++;
    probe.maxInFlight = Math.max(probe.maxInFlight, probe.inFlight);
    try {
      if (probe.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, probe.delayMs));
      if (probe.behaviour !== undefined) return await probe.behaviour(texts, call);
      return texts.map((t) => fakeVector(t, this.#ndims));
    } finally {
      probe.inFlight--;
    }
  }
}

/** Registers {@link FakeTextFunction} once per process. */
export function registerFakeFunction(): void {
  if (getRegistry().nameOf(FakeTextFunction) === undefined) register(FAKE_FUNCTION_NAME)(FakeTextFunction);
}

/**
 * A registered fake with a fresh tag, and its probe.
 *
 * @example
 * const { fn, probe } = makeFake({ ndims: 3 });
 * await db.createTable("t", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
 * expect(probe.texts).toEqual(["a", "b"]);
 */
export function makeFake(options: { ndims?: number; behaviour?: FakeBehaviour; delayMs?: number } = {}): {
  fn: FakeTextFunction;
  probe: FakeProbe;
  tag: string;
} {
  registerFakeFunction();
  const tag = `fake-${process.pid}-${nextTag++}`;
  const probe = fakeProbe(tag);
  probe.behaviour = options.behaviour;
  probe.delayMs = options.delayMs ?? 0;
  const fn = new FakeTextFunction(options.ndims === undefined ? { tag } : { tag, ndims: options.ndims });
  return { fn, probe, tag };
}

/** A stored vector cell as plain numbers (null stays null). */
export function vectorValues(cell: unknown): number[] | null {
  if (cell === null || cell === undefined) return null;
  return Array.from(cell as Iterable<number>, Number);
}

/** `values` rounded to float32, as a vector column stores them. */
export function asFloat32(values: ArrayLike<number>): number[] {
  return Array.from(Float32Array.from(values as ArrayLike<number>));
}
