// `@register("name")` as a class decorator, compiled the way users compile it.
// vitest's own transformer (oxc) cannot lower TC39 standard decorators, so the
// decorated classes live in fixtures/standard-decorator.ts (type-checked by
// `tsc` with this repo's settings: experimentalDecorators off) and are compiled
// here with the TypeScript compiler, once as standard decorators (TypeScript 5's
// default) and once as legacy `experimentalDecorators`, then imported.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { getRegistry, type EmbeddingFunction } from "quiverdb/embedding";

const NAMES = ["standard-decorated", "DefaultNamedDecorated"];
const dirs: string[] = [];

async function compileAndImport(experimentalDecorators: boolean): Promise<{ code: string; module: Record<string, new () => EmbeddingFunction> }> {
  const source = await readFile(new URL("./fixtures/standard-decorator.ts", import.meta.url), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators },
  });
  const dir = await mkdtemp(join(tmpdir(), "quiver-decorator-"));
  dirs.push(dir);
  const file = join(dir, experimentalDecorators ? "legacy.ts" : "standard.ts");
  await writeFile(file, outputText);
  const module = (await import(/* @vite-ignore */ file)) as Record<string, new () => EmbeddingFunction>;
  return { code: outputText, module };
}

afterEach(() => {
  for (const name of NAMES) getRegistry().unregister(name);
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("register() as a decorator", () => {
  it("registers a class decorated with a TC39 standard decorator (@register(\"x\"), TypeScript 5 default)", async () => {
    const { code, module } = await compileAndImport(false);
    expect(code).toContain("__esDecorate"); // really the standard decorator protocol (value, context)
    const Decorated = module.StandardDecorated!;
    expect(getRegistry().nameOf(Decorated)).toBe("standard-decorated");
    const fn = getRegistry().get("standard-decorated")!.create({ width: 4 }) as EmbeddingFunction;
    expect(fn).toBeInstanceOf(Decorated);
    expect(fn.ndims()).toBe(4);
    expect(await fn.computeSourceEmbeddings(["abc"])).toEqual([[3, 4, 5, 6]]);
  });

  it("takes the class name from the decorator context when no name is given", async () => {
    const { module } = await compileAndImport(false);
    expect(getRegistry().nameOf(module.DefaultNamedDecorated!)).toBe("DefaultNamedDecorated");
  });

  it("registers a class decorated with a legacy experimentalDecorators decorator", async () => {
    const { code, module } = await compileAndImport(true);
    expect(code).toContain("__decorate");
    expect(code).not.toContain("__esDecorate");
    expect(getRegistry().nameOf(module.StandardDecorated!)).toBe("standard-decorated");
    expect(getRegistry().nameOf(module.DefaultNamedDecorated!)).toBe("DefaultNamedDecorated");
  });
});
