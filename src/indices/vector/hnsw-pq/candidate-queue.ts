/**
 * The frontier of a graph search: (distance, node) pairs popped nearest
 * first. A binary min-heap on typed arrays that grows by doubling and is
 * reused across searches ({@link clear}), so a query allocates nothing.
 *
 * @internal
 */
export class CandidateQueue {
  #distances = new Float64Array(64);
  #nodes = new Uint32Array(64);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  /** Distance of the nearest queued node; Infinity when empty. */
  get nearestDistance(): number {
    return this.#size === 0 ? Infinity : this.#distances[0]!;
  }

  /** Node of the nearest queued candidate (call only when size > 0). */
  get nearestNode(): number {
    return this.#nodes[0]!;
  }

  push(distance: number, node: number): void {
    if (this.#size === this.#nodes.length) this.#grow();
    const d = this.#distances;
    const n = this.#nodes;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (d[parent]! <= distance) break;
      d[i] = d[parent]!;
      n[i] = n[parent]!;
      i = parent;
    }
    d[i] = distance;
    n[i] = node;
  }

  /** Removes the nearest candidate (call only when size > 0). */
  pop(): void {
    const size = --this.#size;
    if (size === 0) return;
    const d = this.#distances;
    const n = this.#nodes;
    const distance = d[size]!;
    const node = n[size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && d[r]! < d[l]! ? r : l;
      if (d[c]! >= distance) break;
      d[i] = d[c]!;
      n[i] = n[c]!;
      i = c;
    }
    d[i] = distance;
    n[i] = node;
  }

  #grow(): void {
    const distances = new Float64Array(this.#distances.length * 2);
    const nodes = new Uint32Array(this.#nodes.length * 2);
    distances.set(this.#distances);
    nodes.set(this.#nodes);
    this.#distances = distances;
    this.#nodes = nodes;
  }
}
