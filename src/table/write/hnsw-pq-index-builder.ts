import { InvalidArgumentError } from "../../errors.js";
import { isVectorType } from "../../exec/vector-column.js";
import { buildHnswPqIndex } from "../../indices/vector/hnsw-pq/build-hnsw-pq-index.js";
import { HNSW_PQ_FILE, encodeHnswPqIndex } from "../../indices/vector/hnsw-pq/hnsw-pq-graph-codec.js";
import { PQ_CODES, resolvePqParams, suggestNumSubVectors } from "../../indices/vector/ivf/ivf-options.js";
import { type VectorIndexParams, encodeVectorIndexParams } from "../../indices/vector/vector-index-options.js";
import type { IndexBuilder } from "./index-builder.js";
import { writeIndexFolder } from "./index-folder.js";
import { vectorIndexBuilder } from "./vector-index-builder.js";

/**
 * HNSW-PQ vector indexes: the HNSW-SQ build's graph with PQ codes in place of
 * the 8-bit vectors (src/indices/vector/hnsw-pq/). optimize() builds it
 * afresh over every live row: the graph is ours once read out of usearch, and
 * usearch cannot extend a graph it no longer holds vectors for.
 */
const builder: IndexBuilder = {
  family: "vector",

  check(table, field, spec) {
    vectorIndexBuilder.check(table, field, spec);
    if (spec.kind !== "hnswPq" || !("params" in spec) || !isVectorType(field.type)) return;
    const dims = field.type.listSize;
    const sub = (spec.params as VectorIndexParams).numSubVectors;
    if (sub !== undefined && (sub > dims || dims % sub !== 0)) {
      throw new InvalidArgumentError(
        `createIndex("${field.name}", {config: Index.hnswPq()}) on table '${table}': numSubVectors must divide the vector dimension ${dims}, got ${sub}. ` +
          `Pass a divisor of ${dims}, e.g. numSubVectors: ${suggestNumSubVectors(dims)}, or omit it.`,
        "numSubVectors",
      );
    }
  },

  async write(storage, snapshot, request, _previous, control) {
    const spec = request.spec;
    if (spec.kind !== "hnswPq" || !("params" in spec)) throw new TypeError(`hnswPqIndexBuilder cannot build a ${spec.kind} index`);
    const field = snapshot.schema.fields.find((f) => f.name === request.column);
    if (!field || !isVectorType(field.type)) throw new TypeError(`column ${request.column} is not a vector column`);
    const dims = field.type.listSize;
    const operation = `createIndex("${request.column}") on table '${storage.tableName}'`;
    const fragments = snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0);
    const liveRows = fragments.reduce((sum, f) => sum + f.physicalRows - f.deletedRows, 0);
    if (liveRows < PQ_CODES) {
      throw new InvalidArgumentError(
        `${operation}: Not enough rows to train PQ. Requires ${PQ_CODES} rows but only ${liveRows} available: an HNSW-PQ index ` +
          `trains ${PQ_CODES} codes per sub-vector. Add rows first, or use Index.hnswSq() (or no index: search is exact without one).`,
        "numSubVectors",
      );
    }
    let pq;
    try {
      pq = resolvePqParams(liveRows, dims, spec.params.numSubVectors === undefined ? undefined : { numSubVectors: spec.params.numSubVectors });
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw new InvalidArgumentError(`${operation}: ${error.message.replace(/IVF-PQ/g, "HNSW-PQ")}`, error.argument, { cause: error });
      throw error;
    }
    const params = { ...spec.params, numSubVectors: pq.numSubVectors };
    const head = { name: request.name, kind: "hnswPq", column: request.column, parameters: encodeVectorIndexParams(params) } as const;
    return writeIndexFolder(storage, snapshot, head, async () => {
      const parts = await buildHnswPqIndex(fragments, request.column, dims, params, { signal: control?.signal, onProgress: control?.onProgress, operation });
      return [[HNSW_PQ_FILE, encodeHnswPqIndex(parts)]] as const;
    });
  },

  requestOf(entry) {
    return vectorIndexBuilder.requestOf(entry);
  },
};

export const hnswPqIndexBuilder: IndexBuilder = Object.freeze(builder);
