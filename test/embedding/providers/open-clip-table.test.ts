// open-clip in a table, on the tiny CLIP (test/helpers/tiny-clip.ts): the table embeds
// the images of its source column on write — bytes in a binary column, file paths,
// file:// URLs and http URLs (a server on 127.0.0.1) in a utf8 column — and a text
// query on search, and the text finds its image. Remote models are disabled.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Binary, Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Connection } from "quiverdb";
import { EmbeddingError, getRegistry, LanceSchema } from "quiverdb/embedding";
import type { OpenClipEmbeddingFunction } from "../../../src/embedding/providers/open-clip.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { TINY_CLIP_DIMS, solidPng, tinyClipImageEmbedding, tinyClipWeights, writeTinyClip } from "../../helpers/tiny-clip.js";
import { startImageServer, type ImageServer } from "./open-clip-image-server.js";

const COLOURS = { red: [230, 25, 20], green: [20, 210, 40], blue: [15, 30, 220] } as const;
type Colour = keyof typeof COLOURS;
const pngs = Object.fromEntries(Object.entries(COLOURS).map(([name, rgb]) => [name, solidPng(24, 16, rgb)])) as Record<Colour, ReturnType<typeof solidPng>>;
const ids: Record<Colour, number> = { red: 1, green: 2, blue: 3 };

let root: string;
let modelDir: string;
let server: ImageServer;
let db: Connection;
let clip: OpenClipEmbeddingFunction;

beforeAll(async () => {
  const transformers = await import("@huggingface/transformers");
  transformers.env.allowRemoteModels = false;
  root = await mkdtemp(join(tmpdir(), "quiver-clip-table-"));
  modelDir = await writeTinyClip(join(root, "tiny-clip"));
  for (const [name, image] of Object.entries(pngs)) await writeFile(join(root, `${name}.png`), image.png);
  server = await startImageServer(Object.fromEntries(Object.entries(pngs).map(([name, image]) => [`${name}.png`, image.png])));
  db = await connect(join(root, "db"));
  clip = await getRegistry().get<OpenClipEmbeddingFunction>("open-clip")!.create({ model: modelDir });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

/** The id of the best hit of each colour's text query. */
async function topHits(table: { search(q: string): { limit(n: number): { toArray(): Promise<Record<string, unknown>[]> } } }): Promise<Record<Colour, unknown>> {
  const out = {} as Record<Colour, unknown>;
  for (const colour of Object.keys(COLOURS) as Colour[]) {
    out[colour] = (await table.search(`a photo of a ${colour} square`).limit(1).toArray())[0]!.id;
  }
  return out;
}

describe("open-clip in a table", () => {
  it("embeds image bytes (a binary column) on write and a text query on search: each colour's words find its image", async () => {
    const table = await db.createTable(
      "bytes",
      (Object.keys(COLOURS) as Colour[]).map((c) => ({ id: ids[c], image: Buffer.from(pngs[c].png) })),
      { embeddingFunction: { function: clip, sourceColumn: "image" } },
    );
    const schema = await table.schema();
    expect(schema.fields.find((f) => f.name === "image")!.type).toBeInstanceOf(Binary);
    expect((schema.fields.find((f) => f.name === "vector")!.type as FixedSizeList).listSize).toBe(TINY_CLIP_DIMS);
    expect(await topHits(table)).toEqual(ids);
    // The stored vector is the image's embedding (its centre 16 x 16 crop of one colour, resized to 8 x 8).
    const rows = await table.query().where("id = 1").toArray();
    const stored = Array.from(rows[0]!.vector as ArrayLike<number>);
    const expected = tinyClipImageEmbedding(tinyClipWeights(), solidPng(8, 8, COLOURS.red).rgb);
    stored.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
  });

  it("reads file paths and file:// URLs from a utf8 column", async () => {
    const rows = [
      { id: ids.red, path: join(root, "red.png") },
      { id: ids.green, path: pathToFileURL(join(root, "green.png")).href },
      { id: ids.blue, path: join(root, "blue.png") },
    ];
    const table = await db.createTable("paths", rows, { embeddingFunction: { function: clip, sourceColumn: "path" } });
    expect(await topHits(table)).toEqual(ids);
  });

  it("fetches http(s) URLs from a utf8 column (a server on 127.0.0.1)", async () => {
    const rows = (Object.keys(COLOURS) as Colour[]).map((c) => ({ id: ids[c], url: `${server.baseUrl}/img/${c}.png` }));
    const table = await db.createTable("urls", rows, { embeddingFunction: { function: clip, sourceColumn: "url" } });
    expect(await topHits(table)).toEqual(ids);
    expect(server.requests).toEqual(expect.arrayContaining(["/img/red.png", "/img/green.png", "/img/blue.png"]));
  });

  it("works through LanceSchema with sourceField() (binary) and vectorField(), and reopens from the saved name and options", async () => {
    const schema = LanceSchema({ id: new Int32(), image: clip.sourceField(), vector: clip.vectorField() });
    const table = await db.createEmptyTable("schema", schema);
    await table.add((Object.keys(COLOURS) as Colour[]).map((c) => ({ id: ids[c], image: pngs[c].png })));
    const saved = (await table.schema()).metadata.get("embedding_functions")!;
    expect(JSON.parse(saved)[0]).toMatchObject({ name: "open-clip", model: { model: modelDir } });
    const reopened = await (await connect(join(root, "db"))).openTable("schema");
    expect(await topHits(reopened)).toEqual(ids);
  });

  it("an image (bytes) is a query too: embed it with computeQueryEmbeddings and search with the vector", async () => {
    const table = await db.openTable("bytes");
    const vector = await clip.computeQueryEmbeddings(solidPng(8, 8, [240, 40, 30]).png);
    const hits = await table.search(Array.from(vector)).limit(1).toArray();
    expect(hits[0]!.id).toBe(ids.red);
  });

  it("retries a URL that answered 503 and writes once it answers", async () => {
    const table = await db.createTable("flaky", [{ id: 1, url: `${server.baseUrl}/flaky/blue.png` }], {
      embeddingFunction: { function: clip, sourceColumn: "url" },
    });
    expect(await table.countRows()).toBe(1);
    expect(server.requests.filter((p) => p === "/flaky/blue.png")).toHaveLength(2);
  });

  it("a URL that answers 404 fails the write with the URL, the status and the column; nothing is written", async () => {
    const table = await db.createEmptyTable(
      "broken",
      LanceSchema({ id: new Int32(), url: clip.sourceField(new Utf8()), vector: clip.vectorField() }),
    );
    const error = await expectQuiverError(
      table.add([{ id: 1, url: `${server.baseUrl}/status/404?sig=secret-token` }]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      'column "url"',
      `${server.baseUrl}/status/404`,
      "HTTP 404 Not Found",
    );
    expect(error.message).not.toContain("secret-token");
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(await table.countRows()).toBe(0);
  });

  it("a URL that does not answer in timeoutMs fails with the URL and the limit", async () => {
    const slow = await getRegistry().get<OpenClipEmbeddingFunction>("open-clip")!.create({ model: modelDir, timeoutMs: 100 });
    const table = await db.createEmptyTable(
      "slow",
      new Schema([new Field("id", new Int32()), new Field("url", new Utf8()), new Field("vector", new FixedSizeList(TINY_CLIP_DIMS, new Field("item", new Float32())), true)]),
      { embeddingFunction: { function: slow, sourceColumn: "url" } },
    );
    await expectQuiverError(
      table.add([{ id: 1, url: `${server.baseUrl}/slow` }], { maxRetries: 0 }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      `${server.baseUrl}/slow`,
      "took longer than 100 ms",
    );
  });

  it("a path to no file fails the write naming the column and the path", async () => {
    const missing = join(root, "no-such-image.png");
    await expectQuiverError(
      db.createTable("missing", [{ id: 1, path: missing }], { embeddingFunction: { function: clip, sourceColumn: "path" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      'column "path"',
      missing,
      "does not exist",
    );
  });
});
