/**
 * Counts the occurrences of a phrase in one document.
 *
 * `positions[i]` are the sorted positions of the phrase's i-th term in the
 * document; `gaps[i]` (i ≥ 1) is how far term i follows term i−1 in the query
 * (1 for adjacent words, more where the query lost a stop word). An occurrence
 * starts at a position of the first term and picks one position per following
 * term, each after the previous one, such that the positions deviate from the
 * query's spacing by at most `slop` in total (the sum of |actual gap − query
 * gap|). With slop 0 the words must appear exactly as in the query. Every
 * start position that begins an occurrence counts once.
 */
export function countPhraseMatches(positions: readonly ArrayLike<number>[], gaps: readonly number[], slop: number): number {
  const first = positions[0]!;
  let count = 0;
  for (let s = 0; s < first.length; s++) {
    if (extend(positions, gaps, 1, first[s]!, slop)) count++;
  }
  return count;
}

function extend(positions: readonly ArrayLike<number>[], gaps: readonly number[], term: number, previous: number, slop: number): boolean {
  if (term === positions.length) return true;
  const list = positions[term]!;
  const ideal = previous + gaps[term]!;
  // Candidates lie in (previous, ideal + slop]; try the ones nearest the ideal spot first.
  const low = Math.max(previous + 1, ideal - slop);
  const high = ideal + slop;
  let start = lowerBound(list, low);
  const candidates: number[] = [];
  for (; start < list.length && list[start]! <= high; start++) candidates.push(list[start]!);
  candidates.sort((a, b) => Math.abs(a - ideal) - Math.abs(b - ideal));
  for (const at of candidates) {
    const used = Math.abs(at - ideal);
    if (used <= slop && extend(positions, gaps, term + 1, at, slop - used)) return true;
  }
  return false;
}

function lowerBound(list: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
