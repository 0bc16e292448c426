import { InvalidArgumentError } from "../../errors.js";
import { buildFtsSegment } from "../../indices/fts/build-fts-segment.js";
import { decodeFtsParams, encodeFtsParams } from "../../indices/fts/fts-options.js";
import { FtsSegmentBuilder } from "../../indices/fts/fts-segment-builder.js";
import { encodeFtsSegment } from "../../indices/fts/fts-segment-codec.js";
import { loadFtsCorpus } from "../../indices/fts/load-fts-corpus.js";
import { isTextType } from "../../indices/fts/text-column.js";
import { createTokenizer } from "../../indices/fts/tokenizer.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { IndexBuilder } from "./index-builder.js";
import { writeIndexFolder } from "./index-folder.js";

/**
 * Full-text indexes. With `previous`, its postings are copied for the rows it
 * holds that are still live, and only the fragments it does not cover are
 * tokenized — unless one of those has a lower id than a row it keeps
 * (possible only after unusual histories), in which case everything is
 * tokenized again.
 */
const builder: IndexBuilder = {
  family: "fts",

  check(table, field) {
    if (isTextType(field.type)) return;
    throw new InvalidArgumentError(
      `createIndex("${field.name}", {config: Index.fts()}) on table '${table}': a full-text index needs a string column, and '${field.name}' holds ${String(field.type)}. ` +
        `Index a Utf8 or LargeUtf8 column.`,
      "column",
    );
  },

  async write(storage, snapshot, request, previous) {
    if (request.spec.kind !== "fts") throw new TypeError(`ftsIndexBuilder cannot build a ${request.spec.kind} index`);
    const params = request.spec.params;
    const head = { name: request.name, kind: "fts", column: request.column, parameters: encodeFtsParams(params) } as const;
    return writeIndexFolder(storage, snapshot, head, async () => {
      const tokenizer = createTokenizer(params);
      let fragments = snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0);
      let builder: FtsSegmentBuilder | undefined;
      if (previous) {
        const stored = (await loadFtsCorpus(snapshot, previous, { indexedOnly: true })).views[0]!;
        const covered = new Set(previous.fragmentIds);
        const added = fragments.filter((f) => !covered.has(f.id));
        const merged = FtsSegmentBuilder.fromSegment(stored.segment, stored.live);
        if (added.every((f) => f.id * 4294967296 > merged.lastRowKey)) {
          builder = merged;
          fragments = added;
        }
      }
      return encodeFtsSegment(await buildFtsSegment(fragments, request.column, tokenizer, { skipDeleted: true, builder }));
    });
  },

  requestOf(entry: IndexEntry) {
    return { column: entry.column, name: entry.name, spec: { kind: "fts", params: decodeFtsParams(entry.parameters) } };
  },
};

export const ftsIndexBuilder: IndexBuilder = Object.freeze(builder);
