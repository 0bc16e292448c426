/**
 * The optional peer `@huggingface/transformers` (transformers.js, ONNX
 * Runtime underneath), loaded with a plain dynamic `import()` the first time a
 * local-model function initialises, never when quiverdb is imported. Typed by
 * the small interfaces below, which cover only the calls Quiver makes.
 *
 * @internal
 * @module
 */

import { EmbeddingError } from "../../../errors.js";

/** The package name, kept in a variable so bundlers and the type checker leave the import alone. */
export const TRANSFORMERS_PACKAGE = "@huggingface/transformers";
/** The range Quiver is tested with (package.json `peerDependencies`). */
export const TRANSFORMERS_VERSION_RANGE = "^4.3.1";

/** A tensor as transformers.js returns it: flat data plus dimensions. */
export interface TensorLike {
  readonly data: ArrayLike<number | bigint> & { readonly length: number };
  readonly dims: readonly number[];
}

/** Options Quiver passes when tokenising a batch. */
export interface TokenizeOptions {
  padding: boolean;
  truncation: boolean;
  max_length?: number;
  add_special_tokens?: boolean;
}

/** A loaded tokenizer: callable on a batch of texts. */
export interface TokenizerLike {
  (texts: string[], options: TokenizeOptions): Record<string, TensorLike>;
  readonly model_max_length?: number;
  readonly pad_token_id?: number | null;
}

/** A loaded model: callable on the tokenizer's tensors; answers named output tensors. */
export interface ModelLike {
  (inputs: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
  readonly config?: { readonly hidden_size?: number; readonly [key: string]: unknown };
  dispose?(): Promise<unknown>;
}

/** Options of `from_pretrained` that Quiver uses. */
export interface PretrainedOptions {
  local_files_only?: boolean;
  revision?: string;
  cache_dir?: string;
  device?: string;
  dtype?: string;
}

/** The part of the `@huggingface/transformers` module Quiver uses. */
export interface TransformersModule {
  readonly env: {
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    [key: string]: unknown;
  };
  readonly AutoTokenizer: { from_pretrained(model: string, options?: PretrainedOptions): Promise<TokenizerLike> };
  readonly AutoModel: { from_pretrained(model: string, options?: PretrainedOptions): Promise<ModelLike> };
  readonly Tensor: new (type: "int64", data: BigInt64Array, dims: number[]) => TensorLike;
}

type Importer = (specifier: string) => Promise<unknown>;

const defaultImporter: Importer = (specifier) => import(specifier);
let importer: Importer = defaultImporter;
let loaded: Promise<TransformersModule> | undefined;

/**
 * The transformers.js module, imported once per process.
 *
 * @throws EmbeddingError when the package is not installed (or fails to load):
 *   the message says how to install it, the original error is the `cause`.
 */
export async function importTransformers(provider: string, model?: string): Promise<TransformersModule> {
  loaded ??= importer(TRANSFORMERS_PACKAGE).then(
    (module) => checkModule(module),
    (error: unknown) => {
      loaded = undefined;
      throw error;
    },
  );
  try {
    return await loaded;
  } catch (error) {
    loaded = undefined;
    throw new EmbeddingError(
      `Embedding function "${provider}" runs models in-process with the optional package ${TRANSFORMERS_PACKAGE}, ` +
        `which could not be loaded. Install it next to quiverdb: npm install ${TRANSFORMERS_PACKAGE}@${TRANSFORMERS_VERSION_RANGE} ` +
        `(the cause below says what went wrong).`,
      { provider, model, expected: `${TRANSFORMERS_PACKAGE}@${TRANSFORMERS_VERSION_RANGE}`, actual: "not loadable" },
      { cause: error },
    );
  }
}

function checkModule(module: unknown): TransformersModule {
  const m = module as Partial<TransformersModule> & { default?: Partial<TransformersModule> };
  const candidate = m.AutoModel !== undefined ? m : m.default;
  if (
    candidate === undefined ||
    typeof candidate.AutoModel?.from_pretrained !== "function" ||
    typeof candidate.AutoTokenizer?.from_pretrained !== "function" ||
    typeof candidate.Tensor !== "function" ||
    typeof candidate.env !== "object"
  ) {
    throw new TypeError(`${TRANSFORMERS_PACKAGE} does not export AutoModel, AutoTokenizer, Tensor and env; Quiver needs version ${TRANSFORMERS_VERSION_RANGE}.`);
  }
  return candidate as TransformersModule;
}

/**
 * Replaces how the package is imported (tests simulate a missing package);
 * no argument restores the real import.
 * @internal
 */
export function setTransformersImporter(replacement?: Importer): void {
  importer = replacement ?? defaultImporter;
  loaded = undefined;
}
