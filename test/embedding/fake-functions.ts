// Embedding functions for the embedding tests: deterministic vectors, recorded
// calls, and scripted failures, latency or bad output.
import { Float, Float16, Float32 } from "apache-arrow";
import { EmbeddingFunction, TextEmbeddingFunction, type EmbeddingBatch, type FunctionOptions } from "quiverdb/embedding";

/** A deterministic `width`-value vector for a text: [length, code of first char, 1, 2, ...]. */
export function vectorFor(text: string, width = 3): number[] {
  return Array.from({ length: width }, (_, i) => (i === 0 ? text.length : i === 1 ? text.charCodeAt(0) : i));
}

/** What a {@link ScriptedFunction} does on call number `call` (0-based) with `texts`. */
export type Script = (texts: string[], call: number) => Promise<EmbeddingBatch> | EmbeddingBatch;

export interface ScriptedOptions {
  ndims?: number | undefined;
  maxBatchSize?: number | undefined;
  dataType?: Float;
  script?: Script;
}

/** A text function whose behaviour is scripted per call; records every batch it receives. */
export class ScriptedFunction extends TextEmbeddingFunction {
  readonly calls: string[][] = [];
  readonly #ndims: number | undefined;
  readonly #max: number | undefined;
  readonly #type: Float;
  readonly #script: Script;

  constructor(behaviour: ScriptedOptions = {}) {
    super();
    this.resolveVariables({});
    this.#ndims = "ndims" in behaviour ? behaviour.ndims : 3;
    this.#max = behaviour.maxBatchSize;
    this.#type = behaviour.dataType ?? new Float32();
    this.#script = behaviour.script ?? ((texts) => texts.map((t) => vectorFor(t, this.#ndims ?? 3)));
  }

  override ndims(): number | undefined {
    return this.#ndims;
  }

  override maxBatchSize(): number | undefined {
    return this.#max;
  }

  override embeddingDataType(): Float {
    return this.#type;
  }

  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    const call = this.calls.length;
    this.calls.push([...texts]);
    return this.#script(texts, call);
  }

  /** Texts embedded over all calls. */
  get textsEmbedded(): number {
    return this.calls.reduce((n, c) => n + c.length, 0);
  }
}

/** A registrable text function with JSON options (for metadata and registry tests). */
export class OptionsFunction extends TextEmbeddingFunction<{ model?: string; width?: number; apiKey?: string }> {
  static created = 0;
  readonly options: FunctionOptions;
  constructor(options?: { model?: string; width?: number; apiKey?: string }) {
    super();
    OptionsFunction.created++;
    this.options = this.resolveVariables(options);
  }
  protected override getSensitiveKeys(): string[] {
    return ["apiKey"];
  }
  override ndims(): number {
    return Number(this.options.width ?? 3);
  }
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map((t) => vectorFor(t, this.ndims()));
  }
}

/** A function with an async `init()` counting how often it runs (a model load). */
export class InitFunction extends TextEmbeddingFunction<{ model?: string }> {
  static inits = 0;
  loaded = false;
  constructor(options: { model?: string } = {}) {
    super();
    this.resolveVariables(options);
  }
  override async init(): Promise<void> {
    InitFunction.inits++;
    await new Promise((r) => setTimeout(r, 5));
    this.loaded = true;
  }
  override ndims(): number {
    return 2;
  }
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map((t) => [t.length, 1]);
  }
}

/** A Float16 function (not a text function: embeds any value through JSON). */
export class HalfFunction extends EmbeddingFunction<string> {
  constructor() {
    super();
    this.resolveVariables({});
  }
  override ndims(): number {
    return 4;
  }
  embeddingDataType(): Float {
    return new Float16();
  }
  async computeSourceEmbeddings(data: string[]): Promise<EmbeddingBatch> {
    return data.map((t) => [0.5, -0.25, t.length, 1]);
  }
}
