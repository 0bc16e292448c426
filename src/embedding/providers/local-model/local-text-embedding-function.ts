/**
 * What the in-process providers (`huggingface`, `transformers`,
 * `sentence-transformers`) share: option checking, loading a tokenizer and
 * an ONNX model through transformers.js (once per process and
 * configuration), tokenising in batches, pooling and normalising.
 *
 * @internal
 * @module
 */

import { EmbeddingError } from "../../../errors.js";
import type { EmbeddingBatch, EmbeddingVector } from "../../embedding-function.js";
import {
  normaliseOptions,
  optionError,
  readBoolean,
  readInteger,
  readObject,
  readString,
} from "../../http/provider-options.js";
import { TextEmbeddingFunction } from "../../text-embedding-function.js";
import { readSentenceTransformersCard, resolveModelSource } from "./model-source.js";
import { POOLING_STRATEGIES, poolTokenStates, type PoolingStrategy } from "./pooling.js";
import { importTransformers, type ModelLike, type PretrainedOptions, type TensorLike, type TokenizerLike } from "./transformers-runtime.js";
import { closingSpecialTokens, truncateBatch, type TensorFactory } from "./truncate.js";

/** Devices transformers.js accepts in Node.js (`"cpu"` is the default). */
export const LOCAL_MODEL_DEVICES = ["cpu", "auto", "gpu", "cuda", "dml", "coreml", "webgpu", "wasm"] as const;
/** Weight precisions transformers.js can load (the file suffix it picks: model.onnx, model_fp16.onnx, model_quantized.onnx...). */
export const LOCAL_MODEL_DTYPES = ["fp32", "fp16", "q8", "int8", "uint8", "q4", "bnb4", "q4f16", "auto"] as const;
/** Texts per model call when `batchSize` is not given. */
export const LOCAL_MODEL_DEFAULT_BATCH_SIZE = 32;

/**
 * Options shared by the local-model providers (saved with the table). Every
 * value may be a `$var:` reference, e.g. `device: "$var:device:cpu"`.
 */
export interface LocalModelOptions {
  /** A hub id ("Xenova/all-MiniLM-L6-v2") or a local directory holding config.json, tokenizer.json and onnx/model.onnx. */
  model?: string;
  /** Where the tokenizer comes from, when not from `model`. */
  tokenizer?: string;
  /** Where to run: "cpu" (default), "cuda", "dml", "coreml", "webgpu", "gpu", "auto". */
  device?: string;
  /** Weight precision: "fp32" (default: onnx/model.onnx), "fp16", "q8", "int8", "uint8", "q4", "bnb4", "q4f16", "auto". */
  dtype?: string;
  /** "mean" (attention-mask weighted, padding excluded) or "cls". Default: what the model directory's 1_Pooling/config.json says, else "mean". */
  pooling?: string;
  /** L2-normalise each vector (unit length: cosine = dot product). */
  normalize?: boolean | string;
  /** Longest input in tokens, special tokens included; longer texts are truncated. Default: sentence_bert_config.json, else the tokenizer's model_max_length. */
  maxLength?: number | string;
  /** Texts per model call. Default 32. */
  batchSize?: number | string;
  /** Put before every query text (e.g. "query: " for E5 models). */
  queryPrefix?: string;
  /** Put before every source text (e.g. "passage: " for E5 models). */
  sourcePrefix?: string;
  /** Never contact the hub: only a local directory or the local cache. Also on when HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE is "1". */
  localFilesOnly?: boolean | string;
  /** Where downloaded models are cached. Default: transformers.js's `env.cacheDir`. */
  cacheDir?: string;
  /** Hub revision (branch, tag or commit). Default "main". */
  revision?: string;
  /** The vector width, when known before loading (otherwise config.json `hidden_size` after loading). */
  ndims?: number | string;
  /** LanceDB TypeScript's tokenizer options: `truncation` and `maxLength` (`padding` is always on within a batch). */
  tokenizerOptions?: { truncation?: boolean; maxLength?: number; padding?: boolean };
  /** LanceDB Python's option; JavaScript models run no remote code, so only `false` (or absent) is accepted. */
  trustRemoteCode?: boolean | string;
}

/** The fixed facts of one provider built on this class. @internal */
export interface LocalModelProfile {
  readonly name: string;
  readonly defaultModel: string;
  readonly defaultNormalize: boolean;
  /** Widths of well-known models, so ndims() is known before loading. */
  readonly knownModels: Readonly<Record<string, { readonly ndims: number }>>;
  /** Maps a stored model name to a hub id (sentence-transformers: a bare name gets the "sentence-transformers/" owner). */
  readonly toHubId: (model: string) => string;
}

const OPTION_NAMES = [
  "model",
  "tokenizer",
  "device",
  "dtype",
  "pooling",
  "normalize",
  "maxLength",
  "batchSize",
  "queryPrefix",
  "sourcePrefix",
  "localFilesOnly",
  "cacheDir",
  "revision",
  "ndims",
  "tokenizerOptions",
  "trustRemoteCode",
] as const;

/** LanceDB Python's option names, read from tables it wrote. */
const PYTHON_ALIASES: Readonly<Record<string, string>> = {
  name: "model",
  model_name: "model",
  trust_remote_code: "trustRemoteCode",
  batch_size: "batchSize",
  normalize_embeddings: "normalize",
  max_length: "maxLength",
  local_files_only: "localFilesOnly",
  cache_dir: "cacheDir",
  query_prefix: "queryPrefix",
  source_prefix: "sourcePrefix",
};

interface LoadedModel {
  readonly tokenizer: TokenizerLike;
  readonly model: ModelLike;
  readonly hiddenSize: number | undefined;
  readonly pooling: PoolingStrategy | undefined;
  readonly normalize: boolean | undefined;
  readonly maxLength: number | undefined;
  /** Special tokens after the text ([SEP]): kept when a text is truncated. */
  readonly closingTokens: number;
  readonly makeTensor: TensorFactory;
  readonly location: string;
}

/** Loaded models, shared by every function of the same configuration in this process. */
const LOADED = new Map<string, Promise<LoadedModel>>();

/**
 * A text embedding function that runs an ONNX model in-process.
 * @internal the public classes are its subclasses.
 */
export abstract class LocalTextEmbeddingFunction extends TextEmbeddingFunction<LocalModelOptions> {
  readonly #profile: LocalModelProfile;
  readonly #model: string;
  readonly #tokenizer: string | undefined;
  readonly #device: string;
  readonly #dtype: string;
  readonly #pooling: PoolingStrategy | undefined;
  readonly #normalize: boolean | undefined;
  readonly #maxLength: number | undefined;
  readonly #truncation: boolean;
  readonly #batchSize: number;
  readonly #queryPrefix: string;
  readonly #sourcePrefix: string;
  readonly #localFilesOnly: boolean;
  readonly #cacheDir: string | undefined;
  readonly #revision: string | undefined;
  #ndims: number | undefined;
  #loaded: LoadedModel | undefined;

  protected constructor(profile: LocalModelProfile, options: LocalModelOptions) {
    super();
    this.#profile = profile;
    const name = profile.name;
    const o = normaliseOptions(name, this.resolveVariables(options) as Record<string, unknown>, OPTION_NAMES, PYTHON_ALIASES);
    this.#model = readString(name, o, "model") ?? profile.defaultModel;
    this.#tokenizer = readString(name, o, "tokenizer");
    this.#device = readString(name, o, "device", LOCAL_MODEL_DEVICES) ?? "cpu";
    this.#dtype = readString(name, o, "dtype", LOCAL_MODEL_DTYPES) ?? "fp32";
    this.#pooling = readString(name, o, "pooling", POOLING_STRATEGIES) as PoolingStrategy | undefined;
    this.#normalize = readBoolean(name, o, "normalize");
    const tokenizerOptions = readObject(name, o, "tokenizerOptions") ?? {};
    for (const key of Object.keys(tokenizerOptions)) {
      if (!["truncation", "maxLength", "padding"].includes(key)) {
        throw optionError(name, `tokenizerOptions.${key}`, "is not supported; the supported keys are truncation, maxLength and padding");
      }
    }
    this.#maxLength =
      readInteger(name, o, "maxLength", { min: 2, max: 1_000_000 }) ??
      readInteger(name, tokenizerOptions, "maxLength", { min: 2, max: 1_000_000 });
    this.#truncation = readBoolean(name, tokenizerOptions, "truncation") ?? true;
    if (readBoolean(name, tokenizerOptions, "padding") === false) {
      throw optionError(name, "tokenizerOptions.padding", "cannot be false: texts of one batch are padded to the same length (padding never affects the vectors)");
    }
    this.#batchSize = readInteger(name, o, "batchSize", { min: 1, max: 4096 }) ?? LOCAL_MODEL_DEFAULT_BATCH_SIZE;
    this.#queryPrefix = readPrefix(name, o, "queryPrefix");
    this.#sourcePrefix = readPrefix(name, o, "sourcePrefix");
    this.#localFilesOnly = readBoolean(name, o, "localFilesOnly") ?? (isOn(process.env.HF_HUB_OFFLINE) || isOn(process.env.TRANSFORMERS_OFFLINE));
    this.#cacheDir = readString(name, o, "cacheDir");
    this.#revision = readString(name, o, "revision");
    if (readBoolean(name, o, "trustRemoteCode") === true) {
      throw optionError(name, "trustRemoteCode", "cannot be true: models run through ONNX here and execute no Python code from the hub", "Drop the option.");
    }
    this.#ndims = readInteger(name, o, "ndims", { min: 1, max: 65_536 }) ?? profile.knownModels[this.#model]?.ndims;
  }

  /** The model as configured (a hub id or a directory). */
  get model(): string {
    return this.#model;
  }

  /** Loads the tokenizer and the model (once per process and configuration); `create()` awaits it. */
  override async init(): Promise<void> {
    if (this.#loaded !== undefined) return;
    const key = JSON.stringify([
      this.#profile.name, this.#model, this.#tokenizer, this.#device, this.#dtype, this.#localFilesOnly, this.#cacheDir, this.#revision,
    ]);
    let pending = LOADED.get(key);
    if (pending === undefined) {
      pending = this.#load();
      LOADED.set(key, pending);
      pending.catch(() => LOADED.delete(key));
    }
    const loaded = await pending;
    if (this.#ndims !== undefined && loaded.hiddenSize !== undefined && this.#ndims !== loaded.hiddenSize) {
      throw optionError(
        this.#profile.name,
        "ndims",
        `is ${this.#ndims} but model "${this.#model}" produces ${loaded.hiddenSize} values (config.json hidden_size)`,
        `Drop "ndims" or set it to ${loaded.hiddenSize}.`,
      );
    }
    this.#ndims ??= loaded.hiddenSize;
    this.#loaded = loaded;
  }

  /** The vector width: the `ndims` option, a known model's width, or config.json `hidden_size` once loaded. */
  override ndims(): number | undefined {
    return this.#ndims;
  }

  /** Texts per model call. */
  override maxBatchSize(): number {
    return this.#batchSize;
  }

  /** The embeddings of `texts` (with `sourcePrefix`), `batchSize` texts per model call. */
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return this.#embed(texts, this.#sourcePrefix);
  }

  /** The embedding of one query (with `queryPrefix`). */
  override async computeQueryEmbeddings(data: string): Promise<EmbeddingVector> {
    return (await this.#embed([data], this.#queryPrefix))[0]!;
  }

  async #embed(texts: readonly string[], prefix: string): Promise<Float32Array[]> {
    await this.init();
    const loaded = this.#loaded!;
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.#batchSize) {
      const batch = texts.slice(start, start + this.#batchSize).map((t) => prefix + String(t));
      out.push(...(await this.#embedBatch(loaded, batch)));
    }
    return out;
  }

  async #embedBatch(loaded: LoadedModel, texts: string[]): Promise<Float32Array[]> {
    const name = this.#profile.name;
    let outputs: Record<string, TensorLike>;
    let mask: TensorLike | undefined;
    try {
      const maxLength = this.#maxLength ?? loaded.maxLength;
      // Cut here rather than in transformers.js, which would drop the closing [SEP] (see truncate.ts).
      const encoded = loaded.tokenizer(texts, { padding: true, truncation: false });
      const inputs =
        this.#truncation && maxLength !== undefined
          ? truncateBatch(encoded, maxLength, loaded.closingTokens, loaded.tokenizer.pad_token_id ?? 0, loaded.makeTensor)
          : encoded;
      mask = inputs.attention_mask;
      outputs = await loaded.model(inputs);
    } catch (error) {
      throw new EmbeddingError(
        `Embedding function "${name}": model "${this.#model}" failed on a batch of ${texts.length} texts.`,
        { provider: name, model: this.#model },
        { cause: error },
      );
    }
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? Object.values(outputs)[0];
    if (hidden === undefined || hidden.dims.length !== 3 || mask === undefined) {
      throw new EmbeddingError(
        `Embedding function "${name}": model "${this.#model}" did not answer token states (expected a "last_hidden_state" output of ` +
          `batch x tokens x width, got ${hidden === undefined ? "no output" : `dims [${hidden.dims.join(", ")}]`}). ` +
          `Use a feature-extraction (encoder) model exported to ONNX.`,
        { provider: name, model: this.#model, expected: "last_hidden_state [batch, tokens, width]", actual: hidden === undefined ? "none" : `[${hidden.dims.join(", ")}]` },
      );
    }
    const [batch, seq, width] = hidden.dims as [number, number, number];
    if (this.#ndims !== undefined && width !== this.#ndims) {
      throw new EmbeddingError(
        `Embedding function "${name}": model "${this.#model}" produced vectors of ${width} values, expected ${this.#ndims} (ndims).`,
        { provider: name, model: this.#model, expected: `${this.#ndims}`, actual: `${width}` },
      );
    }
    return poolTokenStates(
      hidden.data as ArrayLike<number>,
      mask.data,
      { batch, seq, width },
      this.#pooling ?? loaded.pooling ?? "mean",
      // The option, else normalised when the model card has a Normalize module or the provider does by default.
      this.#normalize ?? (loaded.normalize === true || this.#profile.defaultNormalize),
    );
  }

  async #load(): Promise<LoadedModel> {
    const name = this.#profile.name;
    const transformers = await importTransformers(name, this.#model);
    const source = await this.#source(this.#model, "model");
    const tokenizerSource = this.#tokenizer === undefined ? source : await this.#source(this.#tokenizer, "tokenizer");
    const options: PretrainedOptions = { device: this.#device, dtype: this.#dtype };
    if (this.#localFilesOnly || source.isDirectory) options.local_files_only = true;
    if (this.#cacheDir !== undefined) options.cache_dir = this.#cacheDir;
    if (this.#revision !== undefined) options.revision = this.#revision;
    const tokenizerOptions: PretrainedOptions = { ...options };
    delete tokenizerOptions.device;
    delete tokenizerOptions.dtype;
    if (!tokenizerSource.isDirectory && !this.#localFilesOnly) delete tokenizerOptions.local_files_only;
    let tokenizer: TokenizerLike;
    let model: ModelLike;
    try {
      [tokenizer, model] = await Promise.all([
        transformers.AutoTokenizer.from_pretrained(tokenizerSource.location, tokenizerOptions),
        transformers.AutoModel.from_pretrained(source.location, options),
      ]);
    } catch (error) {
      const where = source.isDirectory
        ? `the directory ${source.location} (it needs config.json, tokenizer.json and onnx/model${dtypeSuffix(this.#dtype)}.onnx)`
        : this.#localFilesOnly || transformers.env.allowRemoteModels === false
          ? `the local cache only (remote models are disabled)`
          : `the local cache or the Hugging Face hub`;
      throw new EmbeddingError(
        `Embedding function "${name}": could not load model "${this.#model}" (device "${this.#device}", dtype "${this.#dtype}") from ${where}. ` +
          `Check the model name, download it once while online, or pass a directory holding the ONNX export; the cause says what failed.`,
        { provider: name, model: this.#model },
        { cause: error },
      );
    }
    const card = source.isDirectory ? await readSentenceTransformersCard(source.location) : {};
    const idsOf = (text: string): bigint[] =>
      Array.from(tokenizer([text], { padding: false, truncation: false }).input_ids?.data ?? [], (v) => BigInt(v));
    const closingTokens = closingSpecialTokens(idsOf(""), idsOf("a"));
    const Tensor = transformers.Tensor;
    const hiddenSize = model.config?.hidden_size;
    const tokenizerMax = tokenizer.model_max_length;
    return {
      tokenizer,
      model,
      hiddenSize: typeof hiddenSize === "number" ? hiddenSize : undefined,
      pooling: card.pooling,
      normalize: card.normalize,
      maxLength: card.maxSeqLength ?? (typeof tokenizerMax === "number" && tokenizerMax < 1_000_000 ? tokenizerMax : undefined),
      closingTokens,
      makeTensor: (type, data, dims) => new Tensor(type, data, dims),
      location: source.location,
    };
  }

  async #source(model: string, option: string): Promise<{ location: string; isDirectory: boolean }> {
    const source = await resolveModelSource(model);
    if (source.missingPath !== undefined) {
      throw optionError(
        this.#profile.name,
        option,
        `names the directory ${source.missingPath}, which does not exist`,
        `Pass an existing directory holding config.json, tokenizer.json and onnx/model.onnx, or a hub id such as "${this.#profile.defaultModel}".`,
      );
    }
    return source.isDirectory ? source : { location: this.#profile.toHubId(model), isDirectory: false };
  }
}

/** Whether an environment flag such as HF_HUB_OFFLINE is on ("1", "true", "yes", "on"). @internal */
export function isOn(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.trim().toLowerCase());
}

function readPrefix(provider: string, options: Readonly<Record<string, unknown>>, name: string): string {
  const value = options[name];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw optionError(provider, name, `must be a string, got ${typeof value}`);
  return value;
}

function dtypeSuffix(dtype: string): string {
  const suffixes: Record<string, string> = { fp32: "", fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4", bnb4: "_bnb4", q4f16: "_q4f16" };
  return suffixes[dtype] ?? "";
}
