import { Field, RecordBatch, Schema, Struct, makeData } from "apache-arrow";
import { selectRows } from "../../arrow/select-rows.js";
import { InvalidArgumentError } from "../../errors.js";
import { evaluatePredicate, type FilterExpr } from "../../filter/index.js";
import type { Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import { applyDeletions, type DeletionPlan } from "./mark-deleted.js";
import { rowKeys } from "./row-keys.js";
import { takeRows } from "../../exec/take-rows.js";
import { assignFragmentIds, writeFragments } from "./write-fragments.js";

/** The clauses of a merge insert, as its builder collected them. */
export interface MergeSpec {
  readonly on: readonly string[];
  /** Update matched rows (optionally only where the condition over `target.*` and `source.*` holds). */
  readonly whenMatchedUpdate?: { readonly condition?: FilterExpr };
  readonly whenNotMatchedInsert: boolean;
  /** Delete target rows that no source row matches (optionally only where the condition over the target holds). */
  readonly whenNotMatchedBySourceDelete?: { readonly condition?: FilterExpr };
}

export interface MergeCounts {
  inserted: number;
  updated: number;
  deleted: number;
  attempts: number;
}

/**
 * Merges `source` (one batch shaped like the table) into the latest version in one
 * commit: matched target rows are replaced by their source rows, unmatched source
 * rows inserted, unmatched target rows deleted, as the spec asks.
 */
export async function mergeRows(
  storage: TableStorage,
  source: RecordBatch,
  spec: MergeSpec,
): Promise<{ manifest: Manifest; counts: MergeCounts }> {
  const sourceKeys = rowKeys(source, spec.on);
  const sourceIndex = new Map<unknown, number>();
  const duplicated = new Set<unknown>();
  sourceKeys.forEach((key, row) => {
    if (key === null) return;
    if (sourceIndex.has(key)) duplicated.add(key);
    else sourceIndex.set(key, row);
  });
  const counts: MergeCounts = { inserted: 0, updated: 0, deleted: 0, attempts: 0 };

  const manifest = await storage.commit(async (latest) => {
    counts.attempts++;
    const base = storage.requireBase(latest);
    const snapshot = storage.snapshot(base);
    const plan: DeletionPlan = new Map();
    const matchedSources = new Uint8Array(source.numRows);
    const write = new Uint8Array(source.numRows);
    let updated = 0;
    let bySourceDeleted = 0;

    for (const fragment of snapshot.fragments) {
      const batch = await fragment.load();
      const deleted = await fragment.deletionMask();
      const keys = rowKeys(batch, spec.on);
      const remove = new Uint8Array(batch.numRows);
      const pairsTarget: number[] = [];
      const pairsSource: number[] = [];
      for (let row = 0; row < batch.numRows; row++) {
        if (deleted && deleted[row]) continue;
        const key = keys[row]!;
        const match = key === null ? undefined : sourceIndex.get(key);
        if (match === undefined) {
          if (spec.whenNotMatchedBySourceDelete) remove[row] = 2; // decided below, after the condition
          continue;
        }
        if (duplicated.has(key)) {
          throw new InvalidArgumentError(
            `mergeInsert on table '${storage.tableName}' failed: several source rows have the key ${formatKey(key)} ` +
              `(columns ${spec.on.join(", ")}), and it matches a row of the table, so the update is ambiguous. ` +
              `Remove duplicate keys from the source data.`,
            "data",
          );
        }
        matchedSources[match] = 1;
        if (spec.whenMatchedUpdate) {
          pairsTarget.push(row);
          pairsSource.push(match);
        }
      }
      if (pairsTarget.length > 0) {
        const accepted = spec.whenMatchedUpdate?.condition
          ? evaluatePredicate(spec.whenMatchedUpdate.condition, pairBatch(batch, source, pairsTarget, pairsSource))
          : undefined;
        pairsTarget.forEach((row, i) => {
          if (accepted && !accepted[i]) return;
          remove[row] = 1;
          write[pairsSource[i]!] = 1;
          updated++;
        });
      }
      if (spec.whenNotMatchedBySourceDelete) {
        const condition = spec.whenNotMatchedBySourceDelete.condition;
        const accepted = condition ? evaluatePredicate(condition, batch) : undefined;
        for (let row = 0; row < batch.numRows; row++) {
          if (remove[row] !== 2) continue;
          remove[row] = accepted && !accepted[row] ? 0 : 1;
          if (remove[row]) bySourceDeleted++;
        }
      }
      if (remove.some((v) => v === 1)) plan.set(fragment.id, remove.map((v) => (v === 1 ? 1 : 0)));
    }

    let inserted = 0;
    if (spec.whenNotMatchedInsert) {
      for (let row = 0; row < source.numRows; row++) {
        if (!matchedSources[row]) {
          write[row] = 1;
          inserted++;
        }
      }
    }
    const written = await writeFragments(storage, base.schema, inserted + updated > 0 ? [selectRows(source, write)] : []);
    const dataFiles = written.map((w) => w.file);
    try {
      const result = await applyDeletions(storage, base, snapshot, plan);
      const { fragments, nextFragmentId } = assignFragmentIds(base, written);
      counts.inserted = inserted;
      counts.updated = updated;
      counts.deleted = bySourceDeleted;
      return {
        draft: {
          schema: base.schema,
          fragments: [...result.fragments, ...fragments],
          nextFragmentId,
          metadata: {
            operation: "merge",
            inserted: String(inserted),
            updated: String(updated),
            deleted: String(bySourceDeleted),
          },
        },
        attemptFiles: [...dataFiles, ...result.files],
      };
    } catch (error) {
      await storage.removeFiles(dataFiles);
      throw error;
    }
  });
  return { manifest, counts };
}

/** A batch with two struct columns, `target` and `source`, one row per matched pair, for conditions. */
function pairBatch(target: RecordBatch, source: RecordBatch, targetRows: number[], sourceRows: number[]): RecordBatch {
  const side = (batch: RecordBatch, rows: number[]) => {
    const refs = { sources: null, rows: Uint32Array.from(rows) };
    const type = new Struct(batch.schema.fields);
    const children = batch.schema.fields.map((field, i) => takeRows(field.type, [batch.data.children[i]!], refs));
    return { type, data: makeData({ type, length: rows.length, nullCount: 0, children }) };
  };
  const t = side(target, targetRows);
  const s = side(source, sourceRows);
  const fields = [new Field("target", t.type, false), new Field("source", s.type, false)];
  const data = makeData({ type: new Struct(fields), length: targetRows.length, nullCount: 0, children: [t.data, s.data] });
  return new RecordBatch(new Schema(fields), data);
}

function formatKey(key: unknown): string {
  return typeof key === "string" ? `'${key}'` : String(key);
}
