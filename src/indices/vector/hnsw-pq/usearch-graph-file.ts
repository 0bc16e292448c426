/**
 * Reads the proximity graph out of a file saved by usearch's dense index
 * (usearch 2.x), so an index of our own can walk the graph usearch built
 * while keeping other data (PQ codes) in place of usearch's vectors.
 *
 * The layout (usearch's `index_dense_gt::save_to_stream`, little-endian):
 *
 * ```
 * u32 rows, u32 bytes per vector, rows × bytes          the vectors, by slot
 * 64-byte head: "usearch", u16 major, minor, patch,
 *   u8 metric, scalar, key and slot kinds,
 *   u64 present, u64 deleted, u64 dimensions, u8 multi
 * u64 size, connectivity, connectivity_base, max_level, entry_slot
 * i16 level × size                                      one per slot
 * per slot: u64 key, i16 level,
 *   u32 count + connectivity_base × u32 slot             level 0
 *   (u32 count + connectivity × u32 slot) × level        levels 1 … level
 * ```
 *
 * @internal
 * @module
 */

/** The graph as compact arrays: slot i is the i-th node usearch stored. */
export interface ProximityGraph {
  readonly size: number;
  /** Slot of the node searches start from, at level `maxLevel`. */
  readonly entrySlot: number;
  readonly maxLevel: number;
  /** Per slot, its key's low and high 32 bits (Quiver keys: offset in fragment, fragment id). */
  readonly keyLow: Uint32Array;
  readonly keyHigh: Uint32Array;
  /** Level-0 neighbours of slot s: baseNeighbors[baseOffsets[s] … baseOffsets[s + 1]). */
  readonly baseOffsets: Uint32Array;
  readonly baseNeighbors: Uint32Array;
  /**
   * Upper levels. Slot s with level L ≥ 1 owns entries upperFirst[s] …
   * upperFirst[s] + L − 1 (level 1 first); entry e's neighbours are
   * upperNeighbors[upperOffsets[e] … upperOffsets[e + 1]).
   */
  readonly upperFirst: Uint32Array;
  readonly upperOffsets: Uint32Array;
  readonly upperNeighbors: Uint32Array;
}

const MAGIC = "usearch";
const HEAD_BYTES = 64;
const GRAPH_HEADER_BYTES = 40;
/** usearch's scalar kinds of the key and slot types Quiver builds with. */
const KIND_U64 = 14;
const KIND_U32 = 15;

/** Nodes read between calls of `pause`. */
const PAUSE_EVERY = 32_768;

/**
 * Throws Error describing what does not match; the caller wraps it with the
 * table and index. `pause(fractionRead)` is awaited every few ten thousand
 * nodes, so reading a million-node graph lets other work in.
 */
export async function readUsearchGraph(bytes: Uint8Array, pause?: (fractionRead: number) => Promise<void>): Promise<ProximityGraph> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string): void => {
    if (end > bytes.byteLength) throw new Error(`usearch file ends at byte ${bytes.byteLength}, inside ${what} (needs ${end})`);
  };
  need(8, "the vector matrix header");
  const rows = view.getUint32(0, true);
  const rowBytes = view.getUint32(4, true);
  const head = 8 + rows * rowBytes;
  need(head + HEAD_BYTES, "the index head");
  const magic = String.fromCharCode(...bytes.subarray(head, head + MAGIC.length));
  if (magic !== MAGIC) throw new Error(`expected the usearch magic "${MAGIC}" at byte ${head}, found ${JSON.stringify(magic)}`);
  const major = view.getUint16(head + 7, true);
  if (major !== 2) throw new Error(`written by usearch ${major}.x; this reader knows the 2.x layout`);
  const keyKind = bytes[head + 15];
  const slotKind = bytes[head + 16];
  if (keyKind !== KIND_U64 || slotKind !== KIND_U32) throw new Error(`keys of kind ${keyKind} and slots of kind ${slotKind}; expected u64 keys (${KIND_U64}) and u32 slots (${KIND_U32})`);
  const deleted = Number(view.getBigUint64(head + 25, true));
  if (deleted !== 0) throw new Error(`the graph holds ${deleted} removed nodes; build it from scratch`);
  if (bytes[head + 41] !== 0) throw new Error("a multi-key index (several vectors per key) cannot be read");

  let at = head + HEAD_BYTES;
  need(at + GRAPH_HEADER_BYTES, "the graph header");
  const u64 = (offset: number): number => Number(view.getBigUint64(offset, true));
  const size = u64(at);
  const connectivity = u64(at + 8);
  const connectivityBase = u64(at + 16);
  const maxLevel = u64(at + 24);
  const entrySlot = u64(at + 32);
  if (size !== rows) throw new Error(`the graph has ${size} nodes but the file ${rows} vectors`);
  if (size > 0 && entrySlot >= size) throw new Error(`entry slot ${entrySlot} is outside the ${size} nodes`);
  at += GRAPH_HEADER_BYTES;
  need(at + 2 * size, "the node levels");
  const levels = new Int16Array(size);
  let upperEntries = 0;
  for (let s = 0; s < size; s++) {
    const level = view.getInt16(at + 2 * s, true);
    if (level < 0 || level > maxLevel) throw new Error(`node ${s} has level ${level}, outside 0 … ${maxLevel}`);
    levels[s] = level;
    upperEntries += level;
  }
  at += 2 * size;

  const keyLow = new Uint32Array(size);
  const keyHigh = new Uint32Array(size);
  const baseOffsets = new Uint32Array(size + 1);
  const upperFirst = new Uint32Array(size + 1);
  const upperOffsets = new Uint32Array(upperEntries + 1);
  // Upper bounds; trimmed once the real counts are known.
  let baseNeighbors = new Uint32Array(size * connectivityBase);
  let upperNeighbors = new Uint32Array(upperEntries * connectivity);
  let baseUsed = 0;
  let upperUsed = 0;
  let entry = 0;
  const readList = (capacity: number, out: Uint32Array, used: number, node: number): number => {
    const count = view.getUint32(at, true);
    if (count > capacity) throw new Error(`node ${node} lists ${count} neighbours, more than the ${capacity} allowed`);
    for (let i = 0; i < count; i++) {
      const neighbor = view.getUint32(at + 4 + 4 * i, true);
      if (neighbor >= size) throw new Error(`node ${node} links to slot ${neighbor}, outside the ${size} nodes`);
      out[used + i] = neighbor;
    }
    at += 4 + 4 * capacity;
    return used + count;
  };
  for (let s = 0; s < size; s++) {
    if (pause !== undefined && s % PAUSE_EVERY === PAUSE_EVERY - 1) await pause(s / size);
    const level = levels[s]!;
    need(at + 10 + (4 + 4 * connectivityBase) + level * (4 + 4 * connectivity), `node ${s}`);
    keyLow[s] = view.getUint32(at, true);
    keyHigh[s] = view.getUint32(at + 4, true);
    if (view.getInt16(at + 8, true) !== level) throw new Error(`node ${s}'s level disagrees with the level table`);
    at += 10;
    baseUsed = readList(connectivityBase, baseNeighbors, baseUsed, s);
    baseOffsets[s + 1] = baseUsed;
    upperFirst[s] = entry;
    for (let l = 1; l <= level; l++) {
      upperUsed = readList(connectivity, upperNeighbors, upperUsed, s);
      upperOffsets[++entry] = upperUsed;
    }
  }
  upperFirst[size] = entry;
  if (at !== bytes.byteLength) throw new Error(`${bytes.byteLength - at} bytes follow the last node`);
  baseNeighbors = baseNeighbors.slice(0, baseUsed);
  upperNeighbors = upperNeighbors.slice(0, upperUsed);
  return { size, entrySlot, maxLevel, keyLow, keyHigh, baseOffsets, baseNeighbors, upperFirst, upperOffsets, upperNeighbors };
}
