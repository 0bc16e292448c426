import { type Data, Field, RecordBatch, Schema, Struct, makeData } from "apache-arrow";
import { sameType } from "../../arrow/same-type.js";
import { type FilterExpr, evaluateTruth } from "../../filter/index.js";
import { type ListElement, readListElements, toListElement } from "../../filter/list-functions.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../../storage/table-snapshot.js";
import { loadValueIndex } from "./load-scalar-index.js";
import type { ScalarFilterPart, ScalarFilterPlan } from "./scalar-filter-plan.js";
import type { ValueIndex } from "./value-index.js";

const TRUE = 2;

/**
 * What the scalar indexes say about one fragment: `mask` has 1 for each row
 * that may pass (exactly the passing rows when `residual` is empty), `count`
 * its ones; `residual` are the conjuncts still to evaluate on the rows.
 */
export interface FragmentVerdict {
  readonly mask: Uint8Array;
  readonly count: number;
  readonly residual: readonly FilterExpr[];
}

/** Per fragment: three-valued codes (exact), or a superset of the TRUE rows (null: every row). */
type Rows = { readonly exact: Uint8Array } | { readonly bound: Uint8Array | null };

/**
 * Runs a scalar filter plan on a version: loads the indexes it uses, evaluates
 * each leaf once per distinct value, and turns the answers into a verdict per
 * fragment an index covers. Fragments without a verdict are evaluated directly.
 * An index whose column changed type since it was built is not used.
 */
export async function evaluateScalarFilter(plan: ScalarFilterPlan, snapshot: TableSnapshot): Promise<Map<number, FragmentVerdict>> {
  const loaded = new Map<IndexEntry, ValueIndex | undefined>();
  for (const entry of plan.entries) {
    const field = snapshot.schema.fields.find((f) => f.name === entry.column)!;
    const index = await loadValueIndex(snapshot, entry, field);
    // A label-list index holds the list's elements; the others the column's values.
    const expected = entry.kind === "labelList" ? (field.type.children as Field[])[0]?.type : field.type;
    loaded.set(entry, expected !== undefined && sameType(index.values.type, expected) ? index : undefined);
  }
  const fragments = snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0);
  const leafRows = new Map<ScalarFilterPart, Map<number, Uint8Array>>();
  const rowsOfLeaf = (part: ScalarFilterPart & { kind: "leaf" | "labels" }): Map<number, Uint8Array> | undefined => {
    const index = loaded.get(part.entry);
    if (!index) return undefined;
    let rows = leafRows.get(part);
    if (!rows) {
      rows = part.kind === "leaf" ? spreadCodes(index, evaluateLeaf(part, index), part.entry, fragments) : labelCodes(index, part, fragments);
      leafRows.set(part, rows);
    }
    return rows;
  };

  const evaluate = (part: ScalarFilterPart, fragment: FragmentSnapshot): Rows => {
    switch (part.kind) {
      case "opaque":
        return { bound: null };
      case "leaf":
      case "labels": {
        const codes = rowsOfLeaf(part)?.get(fragment.id);
        return codes ? { exact: codes } : { bound: null };
      }
      case "not": {
        const operand = evaluate(part.operand, fragment);
        return "exact" in operand ? { exact: notCodes(operand.exact) } : { bound: null };
      }
      case "and":
      case "or": {
        const left = evaluate(part.left, fragment);
        const right = evaluate(part.right, fragment);
        if ("exact" in left && "exact" in right) return { exact: (part.kind === "and" ? minCodes : maxCodes)(left.exact, right.exact) };
        const a = trueRows(left);
        const b = trueRows(right);
        if (part.kind === "and") return { bound: a === null ? b : b === null ? a : andMasks(a, b) };
        return { bound: a === null || b === null ? null : orMasks(a, b) };
      }
    }
  };

  const verdicts = new Map<number, FragmentVerdict>();
  for (const fragment of fragments) {
    let mask: Uint8Array | null = null;
    const residual: FilterExpr[] = [];
    for (const { expr, part } of plan.conjuncts) {
      const rows = evaluate(part, fragment);
      if (!("exact" in rows)) residual.push(expr);
      const passing = trueRows(rows);
      if (passing !== null) mask = mask === null ? passing : andMasks(mask, passing);
    }
    if (mask === null) continue;
    let count = 0;
    for (let i = 0; i < mask.length; i++) count += mask[i]!;
    verdicts.set(fragment.id, { mask, count, residual });
  }
  return verdicts;
}

/** The leaf's three-valued answer for each distinct value of the index. */
function evaluateLeaf(part: ScalarFilterPart & { kind: "leaf" }, index: ValueIndex): Uint8Array {
  const field = new Field(part.field.name, index.values.type, true);
  const children: Data[] = [index.values];
  const batch = new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: index.values.length, nullCount: 0, children }));
  return evaluateTruth(part.expr, batch);
}

/** Spreads per-value codes onto the rows of each covered fragment of this version (rows of no listed value are FALSE). */
function spreadCodes(index: ValueIndex, valueCodes: Uint8Array, entry: IndexEntry, fragments: readonly FragmentSnapshot[]): Map<number, Uint8Array> {
  const covered = new Set(entry.fragmentIds);
  const out = new Map<number, Uint8Array>();
  for (const fragment of fragments) if (covered.has(fragment.id)) out.set(fragment.id, new Uint8Array(fragment.physicalRows));
  const { starts, fragments: postingFragment, rows } = index;
  // Postings of one value are in row-id order, so the fragment changes rarely: remember the last one.
  let lastId = -1;
  let target: Uint8Array | undefined;
  for (let v = 0; v < valueCodes.length; v++) {
    const code = valueCodes[v]!;
    if (code === 0) continue;
    for (let p = starts[v]!; p < starts[v + 1]!; p++) {
      const id = postingFragment[p]!;
      if (id !== lastId) {
        lastId = id;
        // Fragments gone from this version (compacted away) are not in the map and are skipped.
        target = out.get(id);
      }
      if (target !== undefined) target[rows[p]!] = code;
    }
  }
  return out;
}

/**
 * The codes of a list function over the rows a label-list index covers, as
 * list-functions.ts defines them: NULL for a NULL list, else TRUE when the
 * list holds any (array_has, array_has_any) or all (array_has_all) of the labels.
 */
function labelCodes(index: ValueIndex, part: ScalarFilterPart & { kind: "labels" }, fragments: readonly FragmentSnapshot[]): Map<number, Uint8Array> {
  const covered = new Set(part.entry.fragmentIds);
  const wanted = [...new Set(part.labels.map((label) => labelKey(label, index)))];
  const positions = labelPositions(index);
  const everyRow = part.fn === "array_has_all" && wanted.length === 0;
  const out = new Map<number, Uint8Array>();
  for (const fragment of fragments) if (covered.has(fragment.id)) out.set(fragment.id, new Uint8Array(fragment.physicalRows).fill(everyRow ? TRUE : 0));
  const { starts, fragments: postingFragment, rows } = index;
  const spread = (v: number, apply: (codes: Uint8Array, row: number) => void) => {
    for (let p = starts[v]!; p < starts[v + 1]!; p++) {
      const codes = out.get(postingFragment[p]!);
      if (codes) apply(codes, rows[p]!);
    }
  };
  if (part.fn === "array_has_all" && wanted.length > 0) {
    // Count the wanted labels each row holds; TRUE when it holds them all (a row appears once per label).
    const counts = new Map<number, Uint16Array>();
    for (const [id, codes] of out) counts.set(id, new Uint16Array(codes.length));
    for (const label of wanted) {
      const v = positions.get(label);
      if (v === undefined) continue;
      for (let p = starts[v]!; p < starts[v + 1]!; p++) {
        const c = counts.get(postingFragment[p]!);
        if (c) c[rows[p]!]!++;
      }
    }
    for (const [id, codes] of out) {
      const c = counts.get(id)!;
      for (let i = 0; i < codes.length; i++) codes[i] = c[i] === wanted.length ? TRUE : 0;
    }
  } else if (!everyRow) {
    for (const label of wanted) {
      const v = positions.get(label);
      if (v !== undefined) spread(v, (codes, row) => (codes[row] = TRUE));
    }
  }
  // The trailing null value holds the rows whose list is NULL.
  const last = index.values.length - 1;
  if (last >= 0 && index.values.nullCount > 0 && !index.values.getValid(last)) spread(last, (codes, row) => (codes[row] = 1));
  return out;
}

/** Where each label sits among the index's values, built once per decoded index. */
const POSITIONS = new WeakMap<ValueIndex, Map<ListElement, number>>();
function labelPositions(index: ValueIndex): Map<ListElement, number> {
  let positions = POSITIONS.get(index);
  if (!positions) {
    positions = new Map();
    readListElements(index.values).forEach((label, v) => {
      if (label !== undefined) positions!.set(label, v);
    });
    POSITIONS.set(index, positions);
  }
  return positions;
}

/** A literal label as the index's values hold it (bigint for 64-bit integers). */
function labelKey(label: string | bigint, index: ValueIndex): ListElement {
  return toListElement(label, index.values);
}

function trueRows(rows: Rows): Uint8Array | null {
  if (!("exact" in rows)) return rows.bound;
  const codes = rows.exact;
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < out.length; i++) out[i] = codes[i]! >> 1;
  return out;
}

function notCodes(codes: Uint8Array): Uint8Array {
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < out.length; i++) out[i] = TRUE - codes[i]!;
  return out;
}

function minCodes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! < b[i]! ? a[i]! : b[i]!;
  return out;
}

function maxCodes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! > b[i]! ? a[i]! : b[i]!;
  return out;
}

function andMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! & b[i]!;
  return out;
}

function orMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! | b[i]!;
  return out;
}
