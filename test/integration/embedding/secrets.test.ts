// Secrets never reach a table's files: the stored config keeps the `$var:`
// reference, and a hard-coded secret is refused before anything is written.
import { randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretInConfigError, connect } from "../../../src/index.js";
import { getRegistry, register } from "../../../src/embedding/index.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { KEYED_NAME, KeyedFunction } from "./fixtures/custom-functions.js";

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** The schema bytes of a manifest (stored as a base64 Arrow IPC stream), so base64 cannot hide a secret. */
function manifestSchemaBytes(bytes: Buffer): Buffer {
  const json = JSON.parse(bytes.toString("utf8")) as { schema: string };
  return Buffer.from(json.schema, "base64");
}

beforeAll(() => {
  register(KEYED_NAME)(KeyedFunction);
});
afterAll(() => {
  getRegistry().unregister(KEYED_NAME);
});

describe("Connection.createTable() with a sensitive option", () => {
  it("stores the $var: reference and never the secret, in any file of the table", async () => {
    const secret = `sk-test-${randomUUID()}`;
    getRegistry().setVar("api_key", secret);
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = new KeyedFunction({ apiKey: "$var:api_key", model: "keyed-small" });
    expect(fn.hasKey()).toBe(true); // the variable reached the function

    const table = await db.createTable("docs", [{ id: 1, text: "first text" }], {
      embeddingFunction: { function: fn, sourceColumn: "text" },
    });
    await table.add([{ id: 2, text: "second text" }, { id: 3, text: "third text" }]);
    expect(await table.countRows("vector IS NOT NULL")).toBe(3);

    const files = await filesUnder(dir);
    expect(files.some((f) => f.includes("_embedding_cache"))).toBe(true); // the cache files are checked too
    const manifests = files.filter((f) => f.endsWith(".manifest.json"));
    expect(manifests.length).toBe(2);
    const needle = Buffer.from(secret, "utf8");
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(needle), `${file} holds the secret`).toBe(false);
      if (manifests.includes(file)) {
        const schema = manifestSchemaBytes(bytes);
        expect(schema.includes(needle), `${file} holds the secret in its schema`).toBe(false);
        expect(schema.includes(Buffer.from('"apiKey":"$var:api_key"'))).toBe(true);
      }
    }
    expect((await table.schema()).metadata.get("embedding_functions")).toBe(
      `[{"sourceColumn":"text","vectorColumn":"vector","name":"${KEYED_NAME}","model":{"apiKey":"$var:api_key","model":"keyed-small"}}]`,
    );
  });

  it("never gets a hard-coded secret: SecretInConfigError shows setVar and $var: but never the secret", async () => {
    const secret = `sk-live-${randomUUID()}`;
    const dir = await makeTempDir();
    const db = await connect(dir);
    const error = await expectQuiverError(
      () => new KeyedFunction({ apiKey: secret }),
      SecretInConfigError,
      "SECRET_IN_CONFIG",
      'The key "apiKey" is sensitive and cannot be set directly',
      "getRegistry().setVar(",
      '"$var:api_key"',
    );
    expect(error.key).toBe("apiKey");
    expect(error.provider).toBe(KEYED_NAME);
    for (const text of [error.message, String(error.stack), inspect(error), JSON.stringify(error)]) expect(text).not.toContain(secret);

    // Through the registry too, as a reopened table would build it.
    const viaRegistry = await expectQuiverError(
      () => getRegistry().get(KEYED_NAME)!.create({ apiKey: secret }),
      SecretInConfigError,
      "SECRET_IN_CONFIG",
    );
    expect(inspect(viaRegistry)).not.toContain(secret);
    expect(await db.tableNames()).toEqual([]);
  });
});
