import { compareCodeUnits } from "./fts-segment-builder.js";
import type { FtsCorpus } from "./fts-corpus.js";

/** Options of a fuzzy expansion (MatchQuery's `fuzziness`, `prefixLength`, `maxExpansions`). */
export interface FuzzyOptions {
  /** Most edits (insertions, deletions, substitutions) between the term and a match. */
  readonly fuzziness: number;
  /** Leading characters a match must share with the term unchanged. */
  readonly prefixLength: number;
  /** Most terms one query term expands to; the closest are kept (then alphabetical). */
  readonly maxExpansions: number;
}

/**
 * The index terms within `fuzziness` edits (Levenshtein distance) of `term`
 * in any segment of the corpus, closest first. The term itself comes first
 * when the corpus has it. Each segment's sorted dictionary is scanned only
 * over the terms sharing the fixed prefix.
 */
export function expandFuzzy(corpus: FtsCorpus, term: string, options: FuzzyOptions): string[] {
  const prefix = term.slice(0, options.prefixLength);
  const found = new Map<string, number>();
  for (const { segment } of corpus.views) {
    const terms = segment.data.terms;
    let i = prefix.length > 0 ? lowerBound(terms, prefix) : 0;
    for (; i < terms.length; i++) {
      const candidate = terms[i]!;
      if (prefix.length > 0 && !candidate.startsWith(prefix)) break;
      if (found.has(candidate)) continue;
      if (Math.abs(candidate.length - term.length) > options.fuzziness) continue;
      const distance = boundedEditDistance(term, candidate, options.fuzziness);
      if (distance <= options.fuzziness) found.set(candidate, distance);
    }
  }
  return [...found]
    .sort((a, b) => a[1] - b[1] || compareCodeUnits(a[0], b[0]))
    .slice(0, Math.max(1, options.maxExpansions))
    .map(([t]) => t);
}

/** The Levenshtein distance of `a` and `b`, or `max + 1` as soon as it must exceed `max`. */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = current[0]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (current[j]! < rowMin) rowMin = current[j]!;
    }
    if (rowMin > max) return max + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length]!, max + 1);
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
