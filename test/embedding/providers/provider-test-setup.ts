// Setup shared by the HTTP provider tests: the fake's lifetime and the
// environment each test starts from. Assertions stay in the test files.
import { afterAll, afterEach, beforeEach, vi } from "vitest";

/** A running provider fake (see test/fakes/). */
interface Closable {
  close(): Promise<void>;
}

/**
 * One fake for the whole file: awaited at the top of the file, closed after
 * its last test, and its recorded requests and queued replies forgotten after
 * each test.
 *
 * @example
 * ```ts
 * const fake = await fakeForFile(startFakeJina({ apiKey: KEY }));
 * ```
 */
export async function fakeForFile<F extends Closable & { reset(): void }>(started: Promise<F>): Promise<F> {
  const fake = await started;
  afterAll(async () => {
    await fake.close();
  });
  afterEach(() => {
    fake.reset();
  });
  return fake;
}

/**
 * Blanks environment variables before each test (the machine's own keys and
 * URLs must not leak into the tests) and restores them after.
 */
export function blankEnvEachTest(...names: string[]): void {
  beforeEach(() => {
    for (const name of names) vi.stubEnv(name, "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}

/**
 * Fakes started inside tests: pass each to the returned function as it
 * starts; after each test the stubbed environment is restored and every fake
 * closed.
 *
 * @example
 * ```ts
 * const closeAfterTest = fakesClosedAfterEachTest();
 * const server = closeAfterTest(await startFakeGemini({ apiKey: key }));
 * ```
 */
export function fakesClosedAfterEachTest(): <F extends Closable>(fake: F) => F {
  const open: Closable[] = [];
  afterEach(async () => {
    vi.unstubAllEnvs();
    while (open.length > 0) await open.pop()!.close();
  });
  return (fake) => {
    open.push(fake);
    return fake;
  };
}
