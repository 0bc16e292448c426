import { InvalidArgumentError } from "../errors.js";
import { KnnNode, type QueryVectorNode } from "../plan/index.js";
import { describeValue } from "./validate-arguments.js";

/**
 * A query vector as LanceDB accepts one: an array of numbers or a typed array
 * (any float or integer kind), or a promise of one. Any other iterable of
 * numbers works too, such as the Arrow vector a result row holds.
 */
export type IntoVector =
  | Float32Array
  | Float64Array
  | Uint8Array
  | number[]
  | ArrayLike<number>
  | Iterable<number>
  | Promise<Float32Array | Float64Array | Uint8Array | number[] | ArrayLike<number> | Iterable<number>>;

/**
 * The plan node for a query vector: a private Float32 copy of a concrete
 * vector (checked now), or a deferred node for a promise (checked when the
 * query runs). `method` names the call in error messages.
 */
export function toQueryVectorNode(vector: unknown, method: string): QueryVectorNode {
  if (isPromiseLike(vector)) {
    const promise = Promise.resolve(vector).then((value) => toFloat32Vector(value, method));
    // Keep an unawaited rejection from being reported before the query runs; it surfaces at execution.
    promise.catch(() => undefined);
    return KnnNode.createDeferred(`vector from a promise given to ${method}`, () => promise);
  }
  return KnnNode.createLiteral(toFloat32Vector(vector, method));
}

/** A deferred query vector computed when the query runs (text the table layer embeds). */
export function toDeferredVectorNode(description: string, compute: () => Promise<unknown>, method: string): QueryVectorNode {
  return KnnNode.createDeferred(description, async () => toFloat32Vector(await compute(), method));
}

/**
 * Copies a vector into a new Float32Array, checking that it is a non-empty
 * array of finite numbers that fit in float32.
 */
export function toFloat32Vector(vector: unknown, method: string): Float32Array {
  let values: Float32Array;
  if (isIterableObject(vector) && !Array.isArray(vector) && !ArrayBuffer.isView(vector)) {
    // An Arrow Vector (a vector column value read from a result row) or another iterable of numbers.
    vector = Array.from(vector);
  }
  if (Array.isArray(vector)) {
    if (vector.some((v) => Array.isArray(v) || ArrayBuffer.isView(v))) {
      throw new InvalidArgumentError(
        `${method}: expected one query vector (an array of numbers), got an array of vectors. ` +
          "Pass the first vector here and add each other one with addQueryVector(vector); the results carry a query_index column.",
        "vector",
      );
    }
    const bad = vector.findIndex((v) => typeof v !== "number");
    if (bad >= 0) {
      throw new InvalidArgumentError(
        `${method}: a query vector holds numbers only; element ${bad} is ${describeValue(vector[bad])}.`,
        "vector",
      );
    }
    values = Float32Array.from(vector as number[]);
  } else if (ArrayBuffer.isView(vector) && !(vector instanceof DataView)) {
    if (vector instanceof BigInt64Array || vector instanceof BigUint64Array) {
      throw new InvalidArgumentError(
        `${method}: a query vector cannot be a ${vector.constructor.name}; convert it to a Float32Array.`,
        "vector",
      );
    }
    values = Float32Array.from(vector as unknown as ArrayLike<number>);
  } else {
    throw new InvalidArgumentError(
      `${method}: expected a query vector (an array of numbers or a typed array such as Float32Array), got ${describeValue(vector)}.`,
      "vector",
    );
  }
  if (values.length === 0) {
    throw new InvalidArgumentError(`${method}: the query vector is empty; pass a vector with one value per dimension of the column.`, "vector");
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      const original = (vector as ArrayLike<number>)[i];
      throw new InvalidArgumentError(
        `${method}: the query vector holds a non-finite value at index ${i} (${original}${Number.isFinite(original) ? ", too large for float32" : ""}); ` +
          "every value must be a finite float32. Check the embedding that produced it.",
        "vector",
      );
    }
  }
  return values;
}

function isIterableObject(value: unknown): value is Iterable<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
