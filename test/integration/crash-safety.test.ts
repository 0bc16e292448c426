import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connect } from "../../src/index.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const child = fileURLToPath(new URL("./fixtures/writer-child.ts", import.meta.url));

/** A child that never reports "ready" is killed this long after it started. */
const START_UP_BACKSTOP_MS = 60_000;

/**
 * Runs the writer child; kills it with SIGKILL `killAfterMs` (if given) after it
 * reports "ready", so kills land in its writing phase however slowly it started.
 * Resolves with what it reported.
 */
function runWriter(args: string[], killAfterMs?: number): Promise<{ committed: number[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const committed: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    let stderr = "";
    let buffered = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("committed ")) committed.push(Number(line.slice(10)));
        if (line === "ready" && killAfterMs !== undefined) {
          clearTimeout(timer);
          timer = setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
        }
      }
    });
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("spawn", () => {
      if (killAfterMs !== undefined) timer = setTimeout(() => proc.kill("SIGKILL"), START_UP_BACKSTOP_MS);
    });
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ committed, code, stderr });
    });
  });
}

/** Reads the latest version and the `depth` before it (all versions when depth is Infinity) in full. */
async function checkVersionsReadable(dbPath: string, tableName: string, depth = 3) {
  const db = await connect(dbPath);
  const table = await db.openTable(tableName);
  const latest = await table.version();
  const count = await table.countRows();
  const all = await table.query().toArrow();
  expect(all.numRows).toBe(count);
  const ids = all.getChild("id")!.toArray() as Float64Array;
  expect(new Set(ids).size, "no row appears twice").toBe(ids.length);
  for (const { version } of (await table.listVersions()).slice(-1 - depth)) {
    await table.checkout(version);
    const rows = await table.query().toArrow();
    expect(rows.numRows).toBe(await table.countRows());
  }
  await table.checkoutLatest();
  return { latest, count };
}

describe("crash safety", () => {
  it("a writer killed at random points leaves the table readable at its last committed version, every time", async () => {
    const dbPath = await makeTempDir();
    const db = await connect(dbPath);
    await db.createTable("t", [{ id: -1, writer: 0, text: "seed", vector: [0, 0, 0] }]);
    let lastReported = 1;
    let kills = 0;
    const rounds = 24;
    for (let round = 0; round < rounds; round++) {
      // Kill times spread over the writing phase, counted from the child's "ready".
      const { committed, code, stderr } = await runWriter([dbPath, "t", "churn", String(round + 1)], 100 + Math.random() * 900);
      if (code !== null && code !== 0) throw new Error(`writer failed: ${stderr}`);
      if (code === null) kills++;
      const { latest } = await checkVersionsReadable(dbPath, "t", round === rounds - 1 ? Infinity : 3);
      // Whatever the child reported as committed survived the kill.
      const reported = committed.length > 0 ? Math.max(...committed) : lastReported;
      expect(latest).toBeGreaterThanOrEqual(reported);
      lastReported = latest;
    }
    expect(kills, "most rounds end in a kill").toBeGreaterThan(rounds / 2);
    expect(lastReported, "the writers made progress").toBeGreaterThan(rounds);
  }, 180_000);

  it("a process killed inside createTable or dropTable never leaves a name that is listed but cannot be opened", async () => {
    const dbPath = await makeTempDir();
    for (let round = 0; round < 10; round++) {
      await runWriter([dbPath, "c", "create", "1"], Math.random() * 700);
      const db = await connect(dbPath);
      for (const name of await db.tableNames()) {
        const table = await db.openTable(name);
        expect(await table.countRows()).toBe(10);
      }
    }
  }, 120_000);
});

describe("concurrent writers", () => {
  it("four processes appending at once never lose a commit", async () => {
    const dbPath = await makeTempDir();
    const db = await connect(dbPath);
    await db.createTable("t", [{ id: -1, writer: 0, text: "seed", vector: [0, 0, 0] }]);
    const writers = 4;
    const batches = 15;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, w) => runWriter([dbPath, "t", "append", String(w + 1), String(batches)])),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const table = await db.openTable("t");
    expect(await table.countRows()).toBe(1 + writers * batches * 10);
    expect(await table.version()).toBe(1 + writers * batches);
    const versions = results.flatMap((r) => r.committed).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: writers * batches }, (_, i) => i + 2));
  }, 120_000);

  it("handles in one process writing at once all land, deletes included", async () => {
    const db = await connect(await makeTempDir());
    await db.createTable("t", [{ id: 0, writer: 0, text: "seed", vector: [0, 0, 0] }]);
    const handles = await Promise.all(Array.from({ length: 4 }, () => db.openTable("t")));
    await Promise.all(
      handles.map(async (table, w) => {
        for (let n = 0; n < 10; n++) {
          await table.add(Array.from({ length: 5 }, (_, i) => ({ id: (w + 1) * 1000 + n * 5 + i, writer: w, text: "x", vector: [1, 2, 3] })));
        }
        await table.delete(`writer = ${w} AND id % 5 = 0`);
      }),
    );
    const table = await db.openTable("t");
    // 200 added, 40 deleted (ids ending in 0 or 5 of each writer's 50), plus the seed (writer 0, id 0 deleted by writer 0).
    expect(await table.countRows()).toBe(1 + 200 - 40 - 1);
  }, 60_000);
});
