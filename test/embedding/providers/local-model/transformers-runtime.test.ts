import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddingError, getRegistry } from "quiverdb/embedding";
import { setTransformersImporter } from "../../../../src/embedding/providers/local-model/transformers-runtime.js";
import { expectQuiverError } from "../../../helpers/expect-error.js";

const run = promisify(execFile);

afterEach(() => setTransformersImporter());

describe("importTransformers()", () => {
  it("a missing @huggingface/transformers fails create() with the install hint and the original error as cause", async () => {
    const missing = Object.assign(new Error("Cannot find package '@huggingface/transformers'"), { code: "ERR_MODULE_NOT_FOUND" });
    setTransformersImporter(() => Promise.reject(missing));
    const error = await expectQuiverError(
      (async () => getRegistry().get("sentence-transformers")!.create({ model: "all-MiniLM-L6-v2" }))(),
      EmbeddingError,
      "EMBEDDING_FAILED",
      '"sentence-transformers"',
      "npm install @huggingface/transformers@^4.3.1",
    );
    expect(error.cause).toBe(missing);
    expect(error.provider).toBe("sentence-transformers");
  });

  it("a module without the expected exports is refused the same way (cause names what is missing)", async () => {
    setTransformersImporter(async () => ({ env: {} }));
    const error = await expectQuiverError(
      (async () => getRegistry().get("huggingface")!.create({}))(),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "could not be loaded",
    );
    expect(String((error.cause as Error).message)).toContain("AutoModel, AutoTokenizer, Tensor and env");
  });

  it("importing quiverdb and quiverdb/embedding, and looking a local provider up, loads neither transformers.js nor onnxruntime", async () => {
    const hook =
      "data:text/javascript," +
      encodeURIComponent(
        "export async function resolve(s, c, n) { if (/@huggingface\\/transformers|onnxruntime/.test(s)) throw new Error('LOADED ' + s); return n(s, c); }",
      );
    const main = fileURLToPath(new URL("../../../../src/index.ts", import.meta.url));
    const embedding = fileURLToPath(new URL("../../../../src/embedding/index.ts", import.meta.url));
    const script =
      `import { register } from "node:module"; register(${JSON.stringify(hook)});` +
      `await import(${JSON.stringify(main)}); const e = await import(${JSON.stringify(embedding)});` +
      `e.getRegistry().get("huggingface"); await e.getRegistry().load("sentence-transformers"); console.log("clean");`;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../../../../", import.meta.url)),
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe("clean");
  });
});
