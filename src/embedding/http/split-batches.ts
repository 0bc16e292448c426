/**
 * Splitting a direct call with more texts than one request may carry. The
 * ingest stage already sends at most `maxBatchSize()` texts per call (and
 * retries each), so this only matters when a caller invokes
 * `computeSourceEmbeddings` itself with a larger list.
 *
 * @module
 */

/**
 * `embed(batch)` for consecutive batches of at most `maxBatchSize` texts, one
 * after the other, concatenated in input order. A single request when the
 * texts fit; none for an empty list.
 */
export async function embedInBatches<V>(
  texts: readonly string[],
  maxBatchSize: number,
  embed: (batch: string[]) => Promise<V[]>,
): Promise<V[]> {
  if (texts.length === 0) return [];
  if (texts.length <= maxBatchSize) return embed([...texts]);
  const out: V[] = [];
  for (let start = 0; start < texts.length; start += maxBatchSize) {
    out.push(...(await embed(texts.slice(start, start + maxBatchSize))));
  }
  return out;
}
