/**
 * `open-clip` (LanceDB's name): CLIP text and image embeddings in one vector
 * space, run in-process through transformers.js (ONNX Runtime), as LanceDB
 * Python's OpenClipEmbeddings does with PyTorch. A table embeds the images of
 * its source column (bytes in a binary column, or paths and URLs in a utf8
 * column) on write, and a text query on search, so words find pictures.
 *
 * Defaults as LanceDB Python where JavaScript can follow: open_clip's ViT-B-32
 * (here OpenAI's weights, "Xenova/clip-vit-base-patch32": LanceDB's default
 * LAION weights have no ONNX export), device "cpu", batch size 64,
 * `normalize: true`. The optional peer `@huggingface/transformers` is
 * imported only when a function initialises.
 *
 * @module
 */

import { Binary, DataType, Float, Float32 } from "apache-arrow";
import { describeType } from "../../arrow/ingest-errors.js";
import { InvalidArgumentError } from "../../errors.js";
import { EmbeddingFunction, type EmbeddingBatch, type EmbeddingVector, type FieldOptions } from "../embedding-function.js";
import { BUILT_IN_NAME } from "../function-names.js";
import { runConcurrently } from "../run-concurrently.js";
import { loadClip, type LoadedClip } from "./open-clip/clip-model.js";
import { embedImageBatch, embedTextBatch, type EmbedContext } from "./open-clip/embed.js";
import { readImageBytes, sourceError, type ImageBytes, type OpenClipImage } from "./open-clip/image-source.js";
import { OPEN_CLIP_FUNCTION_NAME, readOpenClipOptions, type OpenClipOptions, type ResolvedOpenClipOptions } from "./open-clip/options.js";

export {
  OPEN_CLIP_DEFAULT_BATCH_SIZE,
  OPEN_CLIP_DEFAULT_MODEL,
  OPEN_CLIP_DEFAULT_TIMEOUT_MS,
  OPEN_CLIP_FUNCTION_NAME,
  OPEN_CLIP_MODELS,
  type OpenClipOptions,
} from "./open-clip/options.js";
export type { OpenClipImage } from "./open-clip/image-source.js";

/**
 * Files and URLs read at once per batch: enough to hide fetch latency, few
 * enough that a batch of 64 URLs (times the table's concurrent batches) does
 * not flood one image host.
 */
const IMAGE_READS_IN_FLIGHT = 8;

/** What a query may be: text (the usual case), or an image's bytes to find similar images. */
export type OpenClipQuery = string | Uint8Array;

/**
 * CLIP embeddings of images (the source column) and of text or images (the
 * query). `create()` is async: it loads the tokenizer, the image processor and
 * both towers.
 *
 * @example
 * ```ts
 * const clip = await getRegistry().get("open-clip")!.create({ model: "Xenova/clip-vit-base-patch32" });
 * const table = await db.createTable("photos", [{ id: 1, image: pngBytes }], {
 *   embeddingFunction: { function: clip, sourceColumn: "image" },
 * });
 * const hits = await table.search("a dog on a beach").limit(5).toArray();
 * ```
 */
export class OpenClipEmbeddingFunction extends EmbeddingFunction<OpenClipQuery, OpenClipOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME]: string = OPEN_CLIP_FUNCTION_NAME;

  readonly #options: ResolvedOpenClipOptions;
  #ndims: number | undefined;
  #loaded: LoadedClip | undefined;

  constructor(options: OpenClipOptions = {}) {
    super();
    this.#options = readOpenClipOptions(this.resolveVariables(options) as Record<string, unknown>);
    this.#ndims = this.#options.ndims;
  }

  /** The model as resolved: a hub id or a directory. */
  get model(): string {
    return this.#options.model;
  }

  /** Loads the tokenizer, the image processor and both towers (once per process and configuration). */
  override async init(): Promise<void> {
    if (this.#loaded !== undefined) return;
    const loaded = await loadClip(OPEN_CLIP_FUNCTION_NAME, this.#options);
    if (this.#ndims !== undefined && loaded.projectionDim !== undefined && this.#ndims !== loaded.projectionDim) {
      throw new InvalidArgumentError(
        `Embedding function "${OPEN_CLIP_FUNCTION_NAME}": option "ndims" is ${this.#ndims} but model "${this.model}" produces ` +
          `${loaded.projectionDim} values (config.json projection_dim). Drop "ndims" or set it to ${loaded.projectionDim}.`,
        "ndims",
      );
    }
    this.#ndims ??= loaded.projectionDim;
    this.#loaded = loaded;
  }

  /** The vector width: the `ndims` option, a known model's width, or config.json `projection_dim` once loaded. */
  override ndims(): number | undefined {
    return this.#ndims;
  }

  /** Images per model call (`batchSize`). */
  override maxBatchSize(): number {
    return this.#options.batchSize;
  }

  embeddingDataType(): Float {
    return new Float32();
  }

  /**
   * Declares the image column for `LanceSchema`: Binary by default (encoded
   * image bytes); LargeBinary too; Utf8 or LargeUtf8 for file paths and URLs.
   */
  override sourceField(optionsOrDatatype?: Partial<FieldOptions> | DataType): [DataType, Map<string, EmbeddingFunction>] {
    const type = EmbeddingFunction.requestedSourceType(optionsOrDatatype, new Binary());
    if (!DataType.isBinary(type) && !DataType.isLargeBinary(type) && !DataType.isUtf8(type) && !DataType.isLargeUtf8(type)) {
      throw new InvalidArgumentError(
        `${OPEN_CLIP_FUNCTION_NAME}.sourceField(${describeType(type)}): the image column must be binary or large_binary ` +
          `(encoded image bytes) or utf8 or large_utf8 (file paths and http(s) URLs); call sourceField() for binary, or sourceField(new Utf8()).`,
        "datatype",
      );
    }
    return super.sourceField(type);
  }

  /** The embeddings of the source column's images: bytes, file paths, file:// or http(s):// URLs. */
  async computeSourceEmbeddings(data: OpenClipImage[]): Promise<EmbeddingBatch> {
    return this.computeImageEmbeddings(data);
  }

  /** A text query is embedded by the text tower; image bytes by the vision tower (find similar images). */
  override async computeQueryEmbeddings(query: OpenClipQuery): Promise<EmbeddingVector> {
    if (typeof query === "string") return (await this.computeTextEmbeddings([query]))[0]!;
    if (query instanceof Uint8Array) return (await this.computeImageEmbeddings([query]))[0]!;
    throw sourceError(
      this.#context(),
      "cannot embed the query",
      "a text (string) or an image's bytes (Uint8Array or Buffer)",
      query === null ? "null" : typeof query,
    );
  }

  /** Text embeddings, `batchSize` texts per model call. */
  async computeTextEmbeddings(texts: string[]): Promise<Float32Array[]> {
    const clip = await this.#clip();
    const context = this.#context();
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.#options.batchSize) {
      out.push(...(await embedTextBatch(clip, texts.slice(start, start + this.#options.batchSize).map(String), context)));
    }
    return out;
  }

  /** Image embeddings, `batchSize` images per model call; the files and URLs of a batch are read 8 at a time. */
  async computeImageEmbeddings(images: OpenClipImage[]): Promise<Float32Array[]> {
    const clip = await this.#clip();
    const context = this.#context();
    const out: Float32Array[] = [];
    for (let start = 0; start < images.length; start += this.#options.batchSize) {
      const batch = images.slice(start, start + this.#options.batchSize);
      const bytes = new Array<ImageBytes>(batch.length);
      await runConcurrently(batch.length, async (i) => void (bytes[i] = await readImageBytes(batch[i], context)), {
        limit: IMAGE_READS_IN_FLIGHT,
      });
      out.push(...(await embedImageBatch(clip, bytes, context)));
    }
    return out;
  }

  async #clip(): Promise<LoadedClip> {
    await this.init();
    return this.#loaded!;
  }

  #context(): EmbedContext {
    const o = this.#options;
    return { provider: OPEN_CLIP_FUNCTION_NAME, model: o.model, timeoutMs: o.timeoutMs, normalize: o.normalize, maxLength: o.maxLength, ndims: this.#ndims };
  }
}
