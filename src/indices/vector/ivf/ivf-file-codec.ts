import { CorruptTableError, NotSupportedError } from "../../../errors.js";

/**
 * The container of every IVF index file: a small JSON header, then raw
 * little-endian typed arrays, each at an offset that is a multiple of 8, so
 * decoding makes zero-copy views of the file's bytes.
 *
 * ```
 * 0   "QIVF"                  magic
 * 4   u8 format version       (IVF_FILE_VERSION)
 * 5   3 zero bytes
 * 8   u32 LE header length H
 * 12  H bytes of UTF-8 JSON   {kind, ...fields, sections: [{name, type, offset, length}], data_length}
 *     zero padding to a multiple of 8: the data area starts here
 *     sections at their offsets (relative to the data area), zero padding between
 * ```
 * Offsets are relative to the data area so the header never depends on its
 * own length. Everything is checked on decode; any mismatch is a
 * CorruptTableError naming the file.
 *
 * @internal
 * @module
 */

export const IVF_FILE_VERSION = 1;
const MAGIC = [0x51, 0x49, 0x56, 0x46]; // "QIVF"
const PREFIX_BYTES = 12;
const ALIGN = 8;

export type SectionArray = Float32Array | Uint32Array | Uint8Array;
type SectionType = "float32" | "uint32" | "uint8";

export interface FileSection {
  readonly name: string;
  readonly array: SectionArray;
}

/** JSON values a header field may hold. */
export type HeaderValue = string | number | boolean | null;

interface SectionEntry {
  name: string;
  type: SectionType;
  offset: number;
  length: number;
}

const ELEMENT_BYTES: Readonly<Record<SectionType, number>> = { float32: 4, uint32: 4, uint8: 1 };

/** Typed arrays hold the platform's byte order; the files are little-endian. */
function requireLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new NotSupportedError("IVF index files are little-endian; this platform is big-endian, which Quiver does not support.");
  }
}

function typeOf(array: SectionArray): SectionType {
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Uint32Array) return "uint32";
  return "uint8";
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Encodes one file. `fields` are written in the order given, so equal inputs give equal bytes. */
export function encodeIvfFile(kind: string, fields: Readonly<Record<string, HeaderValue>>, sections: readonly FileSection[]): Uint8Array {
  requireLittleEndian();
  const entries: SectionEntry[] = [];
  let dataLength = 0;
  for (const { name, array } of sections) {
    dataLength = alignUp(dataLength);
    entries.push({ name, type: typeOf(array), offset: dataLength, length: array.length });
    dataLength += array.byteLength;
  }
  const header = new TextEncoder().encode(JSON.stringify({ kind, ...fields, sections: entries, data_length: dataLength }));
  const dataStart = alignUp(PREFIX_BYTES + header.length);
  const bytes = new Uint8Array(dataStart + dataLength);
  bytes.set(MAGIC, 0);
  bytes[4] = IVF_FILE_VERSION;
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, PREFIX_BYTES);
  sections.forEach(({ array }, i) => bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + entries[i]!.offset));
  return bytes;
}

/** A decoded file: its header fields and typed views of its sections. */
export interface DecodedIvfFile {
  readonly fields: Readonly<Record<string, unknown>>;
  /** The section's values; throws CorruptTableError if it is missing, of another type, or not `length` long. */
  float32(name: string, length: number): Float32Array;
  uint32(name: string, length: number): Uint32Array;
  uint8(name: string, length: number): Uint8Array;
  /** A header field that must be a non-negative integer. */
  integer(name: string): number;
  /** A header field that must be a string. */
  string(name: string): string;
}

/**
 * Decodes one file. Views share `bytes`' memory when it is 8-byte aligned
 * (a Buffer read by fs.readFile is); otherwise the file is copied once.
 */
export function decodeIvfFile(input: Uint8Array, file: string, kind: string): DecodedIvfFile {
  requireLittleEndian();
  const corrupt = (what: string, expected: string, actual: string, cause?: unknown): CorruptTableError =>
    new CorruptTableError(
      `IVF index file "${file}" is corrupt: ${what} (expected ${expected}, found ${actual}). Rebuild the index with createIndex(..., {replace: true}).`,
      file,
      expected,
      actual,
      cause === undefined ? undefined : { cause },
    );
  if (input.length < PREFIX_BYTES) throw corrupt("the file is too short for its header", `at least ${PREFIX_BYTES} bytes`, `${input.length} bytes`);
  if (MAGIC.some((b, i) => input[i] !== b)) throw corrupt("it does not start with the IVF magic", '"QIVF"', JSON.stringify(String.fromCharCode(...input.subarray(0, 4))));
  if (input[4] !== IVF_FILE_VERSION) {
    throw new CorruptTableError(
      `IVF index file "${file}" has format version ${input[4]}; this Quiver reads version ${IVF_FILE_VERSION}. Upgrade quiverdb, or rebuild the index with createIndex(..., {replace: true}).`,
      file,
      String(IVF_FILE_VERSION),
      String(input[4]),
    );
  }
  const bytes = input.byteOffset % ALIGN === 0 ? input : input.slice();
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(8, true);
  if (PREFIX_BYTES + headerLength > bytes.length) throw corrupt("its header runs past the end", `≤ ${bytes.length - PREFIX_BYTES} header bytes`, `${headerLength}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch (error) {
    throw corrupt("its header is not valid JSON", "a JSON object", "unparseable bytes", error);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw corrupt("its header is not an object", "a JSON object", typeof parsed);
  const fields = parsed as Record<string, unknown>;
  if (fields.kind !== kind) throw corrupt("it holds another kind of data", JSON.stringify(kind), JSON.stringify(fields.kind));
  const dataStart = alignUp(PREFIX_BYTES + headerLength);
  const dataLength = fields.data_length;
  if (typeof dataLength !== "number" || dataStart + dataLength !== bytes.length) {
    throw corrupt("its length does not match its header (truncated or extended)", `${dataStart + Number(dataLength)} bytes`, `${bytes.length} bytes`);
  }
  const sections = new Map<string, SectionEntry>();
  if (!Array.isArray(fields.sections)) throw corrupt("its header lists no sections", "a sections array", typeof fields.sections);
  for (const entry of fields.sections as unknown[]) {
    const e = entry as Partial<SectionEntry> | null;
    const size = e && typeof e.type === "string" ? ELEMENT_BYTES[e.type as SectionType] : undefined;
    if (
      !e || typeof e.name !== "string" || size === undefined ||
      !Number.isInteger(e.offset) || !Number.isInteger(e.length) || e.offset! < 0 || e.length! < 0 ||
      e.offset! % ALIGN !== 0 || e.offset! + e.length! * size > dataLength
    ) {
      throw corrupt("a section entry is malformed or out of bounds", `8-aligned sections within ${dataLength} data bytes`, JSON.stringify(entry));
    }
    sections.set(e.name, e as SectionEntry);
  }
  const view = <T extends SectionArray>(name: string, type: SectionType, length: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T => {
    const e = sections.get(name);
    if (e === undefined) throw corrupt(`section "${name}" is missing`, `a ${type} section "${name}"`, "none");
    if (e.type !== type || e.length !== length) throw corrupt(`section "${name}" has the wrong shape`, `${length} ${type} values`, `${e.length} ${e.type} values`);
    return make(bytes.buffer, bytes.byteOffset + dataStart + e.offset, length);
  };
  return {
    fields,
    float32: (name, length) => view(name, "float32", length, (b, o, l) => new Float32Array(b, o, l)),
    uint32: (name, length) => view(name, "uint32", length, (b, o, l) => new Uint32Array(b, o, l)),
    uint8: (name, length) => view(name, "uint8", length, (b, o, l) => new Uint8Array(b, o, l)),
    integer(name) {
      const value = fields[name];
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw corrupt(`header field "${name}" is not a count`, "a non-negative integer", JSON.stringify(value));
      return value;
    },
    string(name) {
      const value = fields[name];
      if (typeof value !== "string") throw corrupt(`header field "${name}" is not a string`, "a string", JSON.stringify(value));
      return value;
    },
  };
}
