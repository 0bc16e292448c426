import type { FragmentSnapshot } from "../../storage/table-snapshot.js";
import { FtsSegmentBuilder } from "./fts-segment-builder.js";
import type { FtsSegment } from "./fts-segment.js";
import { forEachText } from "./text-column.js";
import type { Tokenizer } from "./tokenizer.js";

/**
 * Tokenizes the text column of `fragments` into one segment. Fragments are
 * taken in id order, rows in offset order (the order postings need). Null
 * values are not documents; an empty string is a document of no tokens.
 * With `skipDeleted`, rows deleted as of the snapshot are left out (a stored
 * index: they can never come back); without, every row is indexed and a
 * query's live mask hides the deleted ones (a cached per-fragment segment
 * that serves every version of the fragment). With `builder`, the documents
 * are added to it (which may already hold documents of lower row ids).
 */
export async function buildFtsSegment(
  fragments: readonly FragmentSnapshot[],
  column: string,
  tokenizer: Tokenizer,
  options: { skipDeleted: boolean; builder?: FtsSegmentBuilder },
): Promise<FtsSegment> {
  const builder = options.builder ?? new FtsSegmentBuilder(tokenizer.params.withPosition);
  for (const fragment of [...fragments].sort((a, b) => a.id - b.id)) {
    const batch = await fragment.load();
    const deleted = options.skipDeleted ? await fragment.deletionMask() : null;
    const index = batch.schema.fields.findIndex((f) => f.name === column);
    if (index < 0) throw new RangeError(`fragment ${fragment.id} has no column '${column}'`);
    const addToken = (term: string, position: number) => builder.addToken(term, position);
    forEachText(batch.data.children[index]!, (row, text) => {
      if (deleted !== null && deleted[row] === 1) return;
      builder.beginDocument(fragment.id, row);
      tokenizer.forEachToken(text, addToken);
      builder.endDocument();
    });
  }
  return builder.finish();
}
