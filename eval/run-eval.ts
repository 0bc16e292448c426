// npm run eval: search quality of hashing, word-vectors, full-text and hybrid search over the
// README chunks of node_modules (the demo's corpus), on eval/readme-queries.json.
import { evaluate, formatTable } from "./evaluate.js";

const started = performance.now();
const result = await evaluate();
console.log(`${result.queries} questions over ${result.chunks} chunks of ${result.files} READMEs (${((performance.now() - started) / 1000).toFixed(1)} s):\n`);
console.log(formatTable(result));
