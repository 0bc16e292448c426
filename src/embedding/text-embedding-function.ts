/**
 * The base class of functions that embed text.
 *
 * @module
 */

import { DataType, Float, Float32, Utf8 } from "apache-arrow";
import { describeType } from "../arrow/ingest-errors.js";
import { InvalidArgumentError } from "../errors.js";
import {
  EmbeddingFunction,
  type EmbeddingBatch,
  type FieldOptions,
  type FunctionOptions,
} from "./embedding-function.js";
import { displayNameOf } from "./function-names.js";

/**
 * An embedding function over text: implement {@link TextEmbeddingFunction.generateEmbeddings}
 * (and usually `ndims()`); source and query embedding go through it, the
 * vector type is Float32 unless `embeddingDataType()` is overridden, and the
 * source column is Utf8.
 *
 * @example
 * ```ts
 * @register("shout")
 * class Shout extends TextEmbeddingFunction {
 *   constructor(options: FunctionOptions = {}) { super(); this.resolveVariables(options); }
 *   ndims() { return 2; }
 *   async generateEmbeddings(texts: string[]) { return texts.map((t) => [t.length, 1]); }
 * }
 * ```
 */
export abstract class TextEmbeddingFunction<M extends object = FunctionOptions> extends EmbeddingFunction<string, M> {
  /** The embeddings of `texts`, one per text, in order. */
  abstract generateEmbeddings(texts: string[], ...args: unknown[]): Promise<EmbeddingBatch>;

  embeddingDataType(): Float {
    return new Float32();
  }

  /**
   * Declares the text column for `LanceSchema`: Utf8 by default; Utf8 or
   * LargeUtf8 when a type is given.
   */
  override sourceField(optionsOrDatatype?: Partial<FieldOptions> | DataType): [DataType, Map<string, EmbeddingFunction>] {
    const type = EmbeddingFunction.requestedSourceType(optionsOrDatatype, new Utf8());
    if (!DataType.isUtf8(type) && !DataType.isLargeUtf8(type)) {
      throw new InvalidArgumentError(
        `${displayNameOf(this)}.sourceField(${describeType(type)}): a text embedding function reads a utf8 or large_utf8 column; ` +
          `call sourceField() without a type.`,
        "datatype",
      );
    }
    return super.sourceField(type);
  }

  computeSourceEmbeddings(data: string[]): Promise<EmbeddingBatch> {
    return this.generateEmbeddings(data);
  }
}
