// Search quality over the demo's corpus (README chunks under node_modules): recall@5 and MRR of
// the lexical `hashing` function, the semantic `word-vectors` function, full-text search (BM25)
// and hybrid search (word-vectors + full-text, fused by reciprocal rank), on the hand-written
// questions of eval/readme-queries.json, reported per split ("dev": may guide changes; "test":
// held out, only confirms them) and in total. Run: npm run eval (eval/run-eval.ts prints the table).
import { readFile } from "node:fs/promises";
import { connect, Index, type Table } from "quiverdb";
import { getRegistry, type EmbeddingFunction, type WordVectorsEmbeddingFunction } from "quiverdb/embedding";
import { loadReadmeChunks } from "../examples/shared/readme-corpus.js";

/**
 * Which questions may guide changes: "dev" ones may be looked at while improving a method,
 * "test" ones (written before any tuning) only confirm a change, so the scores show overfitting.
 */
export const SPLITS = ["dev", "test"] as const;
export type Split = (typeof SPLITS)[number];

/** A question and the packages whose README answers it. */
export interface LabelledQuery {
  query: string;
  packages: string[];
  /** Default "dev". */
  split?: Split;
}

/** The scores of one search method, each between 0 and 1. */
export interface MethodScores {
  method: string;
  /** Share of questions with a chunk of one of their packages in the top K. */
  answeredAtK: number;
  /** Share of a question's packages with a chunk in the top K, averaged over the questions. */
  recallAtK: number;
  /** 1 / rank of the first chunk of a relevant package (0 beyond rank {@link MRR_DEPTH}), averaged. */
  mrr: number;
}

export interface EvaluationResult {
  files: number;
  chunks: number;
  queries: number;
  k: number;
  /** Over all questions. */
  scores: MethodScores[];
  /** The same, per split (a split without questions is left out). */
  splits: { split: Split; queries: number; scores: MethodScores[] }[];
}

export const K = 5;
export const MRR_DEPTH = 20;
export const METHODS = ["hashing", "word-vectors", "full-text (BM25)", "hybrid (word-vectors + full-text)"] as const;

export async function loadQueries(path = new URL("./readme-queries.json", import.meta.url)): Promise<LabelledQuery[]> {
  const parsed = JSON.parse(await readFile(path, "utf8")) as { queries: LabelledQuery[] };
  for (const q of parsed.queries) {
    if (q.split !== undefined && !(SPLITS as readonly string[]).includes(q.split)) throw new Error(`eval/readme-queries.json: "${q.query}" has split ${JSON.stringify(q.split)}, not one of ${SPLITS.join(", ")}`);
  }
  return parsed.queries;
}

/** Scores one ranked list of packages (one entry per retrieved chunk, best first). */
export function scoreRanking(ranked: readonly string[], relevant: readonly string[], k = K): { answered: number; recall: number; reciprocalRank: number } {
  const wanted = new Set(relevant);
  const top = new Set(ranked.slice(0, k).filter((p) => wanted.has(p)));
  const first = ranked.findIndex((p) => wanted.has(p));
  return { answered: top.size > 0 ? 1 : 0, recall: top.size / wanted.size, reciprocalRank: first < 0 ? 0 : 1 / (first + 1) };
}

export interface EvaluateOptions {
  /** Folder holding the READMEs. Default "node_modules". */
  root?: string;
  queries?: LabelledQuery[];
  /** Which methods to run. Default all of {@link METHODS}. */
  methods?: readonly (typeof METHODS)[number][];
}

export async function evaluate(options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const root = options.root ?? "node_modules";
  const queries = options.queries ?? (await loadQueries());
  const methods = options.methods ?? METHODS;
  const { files, chunks } = await loadReadmeChunks(root);
  const packages = new Set(chunks.map((c) => c.package));
  for (const q of queries) {
    const missing = q.packages.filter((p) => !packages.has(p));
    if (missing.length > 0) throw new Error(`eval/readme-queries.json: "${q.query}" names packages without README chunks under ${root}: ${missing.join(", ")}`);
  }

  const db = await connect("memory://");
  const makeTable = async (name: string, fn: EmbeddingFunction) => {
    const table = await db.createTable(name, chunks, { embeddingFunction: { function: fn, sourceColumn: "text", vectorColumn: "vector" } });
    await table.createIndex("text", { config: Index.fts() });
    return table;
  };
  // Full-text search ignores the vectors: it runs on the word-vectors table when there is one, else on the hashing one.
  const wordVectors = methods.some((m) => m.includes("word-vectors"))
    ? await makeTable("word_vectors", await getRegistry().get<WordVectorsEmbeddingFunction>("word-vectors")!.create())
    : undefined;
  const hashing =
    methods.includes("hashing") || wordVectors === undefined
      ? await makeTable("hashing", getRegistry().get("hashing")!.create({ ndims: 384 }))
      : undefined;

  const search = async (method: (typeof METHODS)[number], table: Table, query: string): Promise<string[]> => {
    const builder =
      method === "full-text (BM25)"
        ? table.search(query, "fts")
        : method.startsWith("hybrid")
          ? table.search(query, "hybrid")
          : table.search(query).distanceType("cosine");
    const rows = await builder.select(["package"]).limit(MRR_DEPTH).toArray();
    return rows.map((r) => String(r.package));
  };

  // One pass per method; each question's scores are kept so the splits are averaged from the same runs.
  const perQuery = new Map<string, ReturnType<typeof scoreRanking>[]>();
  for (const method of methods) {
    const table = method === "hashing" ? hashing! : method === "full-text (BM25)" ? (wordVectors ?? hashing)! : wordVectors!;
    const list: ReturnType<typeof scoreRanking>[] = [];
    for (const q of queries) list.push(scoreRanking(await search(method, table, q.query), q.packages));
    perQuery.set(method, list);
  }
  const average = (keep: (q: LabelledQuery) => boolean): MethodScores[] =>
    methods.map((method) => {
      const kept = perQuery.get(method)!.filter((_, i) => keep(queries[i]!));
      const mean = (pick: (s: ReturnType<typeof scoreRanking>) => number) => (kept.length === 0 ? 0 : kept.reduce((sum, s) => sum + pick(s), 0) / kept.length);
      return { method, answeredAtK: mean((s) => s.answered), recallAtK: mean((s) => s.recall), mrr: mean((s) => s.reciprocalRank) };
    });
  const scores = average(() => true);
  const splits = SPLITS.map((split) => ({ split, queries: queries.filter((q) => splitOf(q) === split).length, scores: average((q) => splitOf(q) === split) })).filter(
    (s) => s.queries > 0,
  );
  return { files: files.length, chunks: chunks.length, queries: queries.length, k: K, scores, splits };
}

export function splitOf(query: LabelledQuery): Split {
  return query.split ?? "dev";
}

/** The results as a markdown table: recall@K and MRR per split, then over all questions. */
export function formatTable(result: EvaluationResult): string {
  const groups = [...result.splits.map((s) => ({ name: `${s.split} (${s.queries})`, scores: s.scores })), { name: `all (${result.queries})`, scores: result.scores }];
  const header = ["method", ...groups.flatMap((g) => [`recall@${result.k} ${g.name}`, `MRR ${g.name}`]), `answered in top ${result.k}, all`];
  const lines = [`| ${header.join(" | ")} |`, `| --- |${" ---: |".repeat(header.length - 1)}`];
  result.scores.forEach((total, i) => {
    const cells = groups.flatMap((g) => [g.scores[i]!.recallAtK.toFixed(3), g.scores[i]!.mrr.toFixed(3)]);
    lines.push(`| ${total.method} | ${cells.join(" | ")} | ${total.answeredAtK.toFixed(3)} |`);
  });
  return lines.join("\n");
}
