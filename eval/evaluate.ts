// Search quality over the demo's corpus (README chunks under node_modules): recall@5 and MRR of
// the lexical `hashing` function, the semantic `word-vectors` function, full-text search (BM25)
// and hybrid search (word-vectors + full-text, fused by reciprocal rank), on the hand-written
// questions of eval/readme-queries.json. Run: npm run eval (eval/run-eval.ts prints the table).
import { readFile } from "node:fs/promises";
import { connect, Index, type Table } from "quiverdb";
import { getRegistry, type EmbeddingFunction, type WordVectorsEmbeddingFunction } from "quiverdb/embedding";
import { loadReadmeChunks } from "../examples/shared/readme-corpus.js";

/** A question and the packages whose README answers it. */
export interface LabelledQuery {
  query: string;
  packages: string[];
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
  scores: MethodScores[];
}

export const K = 5;
export const MRR_DEPTH = 20;
export const METHODS = ["hashing", "word-vectors", "full-text (BM25)", "hybrid (word-vectors + full-text)"] as const;

export async function loadQueries(path = new URL("./readme-queries.json", import.meta.url)): Promise<LabelledQuery[]> {
  const parsed = JSON.parse(await readFile(path, "utf8")) as { queries: LabelledQuery[] };
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

  const scores: MethodScores[] = [];
  for (const method of methods) {
    const table = method === "hashing" ? hashing! : method === "full-text (BM25)" ? (wordVectors ?? hashing)! : wordVectors!;
    let answered = 0;
    let recall = 0;
    let mrr = 0;
    for (const q of queries) {
      const s = scoreRanking(await search(method, table, q.query), q.packages);
      answered += s.answered;
      recall += s.recall;
      mrr += s.reciprocalRank;
    }
    scores.push({ method, answeredAtK: answered / queries.length, recallAtK: recall / queries.length, mrr: mrr / queries.length });
  }
  return { files: files.length, chunks: chunks.length, queries: queries.length, k: K, scores };
}

/** The results as a markdown table. */
export function formatTable(result: EvaluationResult): string {
  const lines = [
    `| method | questions answered in top ${result.k} | recall@${result.k} (relevant packages found) | MRR (first relevant chunk, top ${MRR_DEPTH}) |`,
    "| --- | ---: | ---: | ---: |",
  ];
  for (const s of result.scores) lines.push(`| ${s.method} | ${s.answeredAtK.toFixed(3)} | ${s.recallAtK.toFixed(3)} | ${s.mrr.toFixed(3)} |`);
  return lines.join("\n");
}
