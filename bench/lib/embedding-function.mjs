/**
 * The custom text embedding functions the embedding workload binds to tables on
 * both sides. The two libraries have different base classes and registries, so
 * the classes are written once here, as a factory that takes a library's
 * `TextEmbeddingFunction` and `register`, and are registered under the same
 * names in each library's registry: both sides run exactly the same code.
 *
 * - `bench-hashed-words`: a cheap, deterministic hashed bag of words (each word
 *   adds +1 or -1 at one of `ndims` positions chosen by its 32-bit FNV-1a hash,
 *   then the vector is L2-normalised), a few microseconds per short text, so
 *   whatever a database adds around the function is visible.
 * - `bench-slow-api`: the same vectors, as a remote API would serve them: one
 *   call accepts any number of texts but, like a client library in front of an
 *   API whose requests are capped (e.g. 2048 inputs for OpenAI), sends them in
 *   requests of at most `maxInputsPerCall` texts, one after another, each taking
 *   `latencyMs`. Defaults: 64 texts, 50 ms. `maxInputsPerCall: 0` removes the cap
 *   (one request of any size, still `latencyMs`), which real APIs do not offer.
 *
 * Options are recorded with `resolveVariables`, so they are saved in the
 * table's metadata and a table rebuilds the same configuration by name.
 */

export const FAST_FUNCTION = "bench-hashed-words";
export const SLOW_FUNCTION = "bench-slow-api";
export const DEFAULT_DIMS = 384;
/** `bench-slow-api`'s defaults: milliseconds per request, and texts per request (0: no cap). */
export const SLOW_DEFAULTS = Object.freeze({ latencyMs: 50, maxInputsPerCall: 64 });

/**
 * Defines and registers the two functions on one library.
 * @param {{ TextEmbeddingFunction: any, register: (name: string) => (ctor: any) => any }} library
 * @returns {{ HashedWords: any, SlowApi: any }} the classes, registered as FAST_FUNCTION and SLOW_FUNCTION
 */
export function defineBenchFunctions({ TextEmbeddingFunction, register }) {
  class HashedWords extends TextEmbeddingFunction {
    constructor(options = {}) {
      super();
      const resolved = this.resolveVariables(options);
      this.dims = Number(resolved.ndims ?? DEFAULT_DIMS);
    }

    ndims() {
      return this.dims;
    }

    async generateEmbeddings(texts) {
      return embedAll(texts, this.dims);
    }
  }

  class SlowApi extends HashedWords {
    constructor(options = {}) {
      super(options);
      const resolved = this.resolveVariables(options);
      this.latencyMs = Number(resolved.latencyMs ?? SLOW_DEFAULTS.latencyMs);
      this.maxInputsPerCall = Number(resolved.maxInputsPerCall ?? SLOW_DEFAULTS.maxInputsPerCall);
      /** Requests "sent" by this instance (for the report). */
      this.requests = 0;
    }

    async generateEmbeddings(texts) {
      const chunk = this.maxInputsPerCall > 0 ? this.maxInputsPerCall : Math.max(1, texts.length);
      const out = [];
      let start = 0;
      do {
        this.requests++;
        SlowApi.requestsSent++;
        await sleep(this.latencyMs);
        for (const vector of embedAll(texts.slice(start, start + chunk), this.dims)) out.push(vector);
        start += chunk;
      } while (start < texts.length);
      return out;
    }
  }
  /** Requests made by every instance of this class (a table may build its own instances). */
  SlowApi.requestsSent = 0;

  register(FAST_FUNCTION)(HashedWords);
  register(SLOW_FUNCTION)(SlowApi);
  return { HashedWords, SlowApi };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function embedAll(texts, dims) {
  const out = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = embedText(texts[i], dims);
  return out;
}

/** One text as an L2-normalised Float32Array of `dims` signed word counts. */
export function embedText(text, dims) {
  const vector = new Float32Array(dims);
  const s = String(text ?? "");
  let hash = 0x811c9dc5;
  let inWord = false;
  const flush = () => {
    const h = hash >>> 0;
    vector[h % dims] += h & 0x80000000 ? -1 : 1;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (inWord) flush();
      inWord = false;
      hash = 0x811c9dc5;
      continue;
    }
    inWord = true;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  if (inWord) flush();
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += vector[d] * vector[d];
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let d = 0; d < dims; d++) vector[d] *= scale;
  } else {
    vector[0] = 1; // an empty text still gets a valid unit vector
  }
  return vector;
}
