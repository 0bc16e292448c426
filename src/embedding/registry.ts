/**
 * The registry of embedding functions: names to classes, plus the variables
 * that `$var:` references in their options resolve against. One registry per
 * process (shared by every copy of quiverdb loaded), reached with
 * {@link getRegistry}.
 *
 * @module
 */

import { EmbeddingFunctionNotFoundError, InvalidArgumentError, RegistryError } from "../errors.js";
import { BUILT_IN_FUNCTIONS, type BuiltInLoader } from "./built-in-functions.js";
import type {
  EmbeddingFunction,
  EmbeddingFunctionConfig,
  ResolvedEmbeddingFunctionConfig,
} from "./embedding-function.js";
import {
  functionToMetadata as entryOf,
  getTableMetadata as tableMetadataOf,
  parseEmbeddingMetadata,
  readEmbeddingMetadata,
  type EmbeddingMetadataEntry,
} from "./embedding-metadata.js";
import { forgetFunctionName, recordFunctionName, registeredNameOf } from "./function-names.js";
import { getVariableStore } from "./variables.js";

/**
 * A registrable embedding-function class: constructible (with its options) into
 * an {@link EmbeddingFunction}.
 */
export type EmbeddingFunctionClass<T extends EmbeddingFunction = EmbeddingFunction> = new (...args: never[]) => T;

/**
 * What `create()` returns: a promise when the class has an `init()` to await
 * (it loads something), the function itself otherwise (as LanceDB).
 */
export type CreateReturnType<T> = T extends { init: () => Promise<void> } ? Promise<T> : T;

/** The factory `registry.get(name)` returns. */
export interface EmbeddingFunctionCreate<T extends EmbeddingFunction = EmbeddingFunction> {
  /** A new function configured with `options` (`$var:` references are resolved now). */
  create(options?: T["TOptions"]): CreateReturnType<T>;
}

/**
 * The decorator `register(name)` returns. It works as a TC39 standard class
 * decorator (`(value, context)`, TypeScript 5's default), as a legacy
 * (`experimentalDecorators`) one (`(ctor)`), and as a plain call
 * `register("name")(MyClass)`. It returns the class unchanged.
 */
export type RegisterDecorator = <C extends EmbeddingFunctionClass>(value: C, context?: ClassDecoratorContext<C>) => C;

const REGISTRY_KEY = Symbol.for("quiverdb.embedding.registry");

/**
 * Maps names to embedding-function classes so a table can rebuild its
 * functions from the names in its schema. Built-in providers (`hashing`) are
 * always available without registration or import; a user class is registered
 * with {@link register}.
 *
 * Beyond LanceDB: `list()`, `has()`, `unregister()`, a typed error for a
 * duplicate name, and names that are never inherited (a subclass must be
 * registered itself).
 */
export class EmbeddingFunctionRegistry {
  readonly #functions = new Map<string, EmbeddingFunctionClass>();
  readonly #loaded = new Map<string, EmbeddingFunctionClass>();

  /** The number of names `get()` resolves (built-ins included). */
  length(): number {
    return this.list().length;
  }

  /** The names `get()` resolves, sorted: registered classes and built-in providers. */
  list(): string[] {
    return [...new Set([...Object.keys(BUILT_IN_FUNCTIONS), ...this.#functions.keys()])].sort();
  }

  /** True when `get(name)` finds something. */
  has(name: string): boolean {
    return this.#functions.has(name) || Object.prototype.hasOwnProperty.call(BUILT_IN_FUNCTIONS, name);
  }

  /**
   * Registers a class under `alias` (default: the class name). Use as a
   * decorator or a plain call:
   *
   * ```ts
   * @register("my-function") class MyFunction extends TextEmbeddingFunction { ... }
   * register("other")(OtherFunction);
   * ```
   *
   * @throws RegistryError when the name is taken (by a registered class or a built-in).
   */
  register(alias?: string): RegisterDecorator {
    if (alias !== undefined && (typeof alias !== "string" || alias.length === 0)) {
      throw new InvalidArgumentError(`register(name): name must be a non-empty string, got ${JSON.stringify(alias)}.`, "name");
    }
    return <C extends EmbeddingFunctionClass>(value: C, context?: ClassDecoratorContext<C>): C => {
      if (typeof value !== "function") {
        throw new InvalidArgumentError(
          `register(${alias === undefined ? "" : JSON.stringify(alias)}) decorates an embedding-function class, got ${value === null ? "null" : typeof value}.`,
          "ctor",
        );
      }
      const contextName = context !== undefined && typeof context === "object" && typeof context.name === "string" ? context.name : undefined;
      const name = alias ?? contextName ?? value.name;
      if (!name) {
        throw new InvalidArgumentError(`register(): an anonymous class needs a name; call register("my-function")(MyClass).`, "name");
      }
      this.#add(name, value);
      return value;
    };
  }

  /**
   * A factory for the function registered as `name`, or `undefined` when the
   * name is unknown (as LanceDB; use {@link EmbeddingFunctionRegistry.has} or
   * the table's typed error to find out why).
   */
  get<T extends EmbeddingFunction = EmbeddingFunction>(name: string): EmbeddingFunctionCreate<T> | undefined {
    const registered = this.#functions.get(name) ?? this.#loaded.get(name);
    if (registered !== undefined) return factoryOf<T>(registered);
    if (!Object.prototype.hasOwnProperty.call(BUILT_IN_FUNCTIONS, name)) return undefined;
    const loaded = (BUILT_IN_FUNCTIONS[name] as BuiltInLoader)();
    if (typeof (loaded as PromiseLike<unknown>).then !== "function") {
      this.#loaded.set(name, loaded as EmbeddingFunctionClass);
      return factoryOf<T>(loaded as EmbeddingFunctionClass);
    }
    // A built-in whose module loads asynchronously: create() is async.
    const promise = loaded as Promise<EmbeddingFunctionClass>;
    return {
      create: ((options?: T["TOptions"]) =>
        promise.then(async (ctor) => {
          this.#loaded.set(name, ctor);
          return (await factoryOf<T>(ctor).create(options)) as T;
        })) as EmbeddingFunctionCreate<T>["create"],
    };
  }

  /** The class registered as `name`, loading a built-in if needed; undefined when unknown. */
  async load(name: string): Promise<EmbeddingFunctionClass | undefined> {
    const registered = this.#functions.get(name) ?? this.#loaded.get(name);
    if (registered !== undefined) return registered;
    if (!Object.prototype.hasOwnProperty.call(BUILT_IN_FUNCTIONS, name)) return undefined;
    const ctor = await (BUILT_IN_FUNCTIONS[name] as BuiltInLoader)();
    this.#loaded.set(name, ctor);
    return ctor;
  }

  /**
   * The registry name of exactly this function's class (or of this class).
   * Never inherited: an unregistered subclass of a registered class has none.
   */
  nameOf(fnOrClass: EmbeddingFunction | EmbeddingFunctionClass): string | undefined {
    const ctor = typeof fnOrClass === "function" ? fnOrClass : (fnOrClass.constructor as EmbeddingFunctionClass);
    return registeredNameOf(ctor);
  }

  /** Removes a registered name; true when it was registered. Built-ins cannot be removed. */
  unregister(name: string): boolean {
    const ctor = this.#functions.get(name);
    if (ctor === undefined) return false;
    this.#functions.delete(name);
    forgetFunctionName(ctor, name);
    // A class registered under several names keeps the next one.
    for (const [other, otherCtor] of this.#functions) {
      if (otherCtor === ctor) {
        recordFunctionName(ctor, other);
        break;
      }
    }
    return true;
  }

  /**
   * Removes every registered class (built-ins stay available). Variables are
   * kept, as in LanceDB.
   */
  reset(): void {
    for (const [name, ctor] of this.#functions) forgetFunctionName(ctor, name);
    this.#functions.clear();
  }

  /**
   * Sets a variable that `$var:name` references in function options resolve to.
   * Variables live in this process only and are never saved with a table: set
   * them before creating functions or using a table whose config refers to them.
   *
   * @throws InvalidArgumentError "Variable names cannot contain colons" (a colon
   *   separates the name from the default in `$var:name:default`).
   */
  setVar(name: string, value: string): void {
    getVariableStore().setVar(name, value);
  }

  /** The value of a variable, or undefined. */
  getVar(name: string): string | undefined {
    return getVariableStore().getVar(name);
  }

  /** The metadata entry of one config. @throws RegistryError for an unregistered class. */
  functionToMetadata(conf: EmbeddingFunctionConfig): EmbeddingMetadataEntry {
    return entryOf(conf);
  }

  /** `{ embedding_functions: <JSON> }` for the configs, as LanceDB. */
  getTableMetadata(functions: EmbeddingFunctionConfig[]): Map<string, string> {
    return tableMetadataOf(functions);
  }

  /**
   * Rebuilds every function of a schema's metadata, keyed by vector column
   * (LanceDB's internal API; the table layer uses the cached, fault-tolerant
   * `resolveEmbeddingFunctions`).
   *
   * @throws EmbeddingFunctionNotFoundError for a name that is not registered.
   * @internal
   */
  async parseFunctions(metadata: Map<string, string>): Promise<Map<string, ResolvedEmbeddingFunctionConfig>> {
    const json = readEmbeddingMetadata(metadata);
    const out = new Map<string, ResolvedEmbeddingFunctionConfig>();
    if (json === undefined) return out;
    for (const entry of parseEmbeddingMetadata(json)) {
      const factory = (await this.load(entry.name)) === undefined ? undefined : this.get(entry.name);
      if (factory === undefined) throw new EmbeddingFunctionNotFoundError(entry.name, this.list(), { vectorColumn: entry.vectorColumn });
      const fn = await factory.create(entry.model);
      out.set(entry.vectorColumn, { sourceColumn: entry.sourceColumn, vectorColumn: entry.vectorColumn, function: fn });
    }
    return out;
  }

  #add(name: string, ctor: EmbeddingFunctionClass): void {
    if (this.#functions.has(name) || Object.prototype.hasOwnProperty.call(BUILT_IN_FUNCTIONS, name)) {
      const builtIn = !this.#functions.has(name);
      throw new RegistryError(
        `Embedding function with alias "${name}" already exists${builtIn ? " (a built-in provider)" : ""}: ` +
          `register ${ctor.name || "the class"} under another name` +
          (builtIn ? "." : `, or remove the old one first with getRegistry().unregister("${name}").`),
      );
    }
    this.#functions.set(name, ctor);
    recordFunctionName(ctor, name);
  }
}

function factoryOf<T extends EmbeddingFunction>(ctor: EmbeddingFunctionClass): EmbeddingFunctionCreate<T> {
  const Ctor = ctor as unknown as new (options?: unknown) => T;
  if (typeof (Ctor.prototype as { init?: unknown }).init === "function") {
    return {
      create: (async (options?: T["TOptions"]) => {
        const instance = new Ctor(options);
        await (instance as unknown as { init(): Promise<void> }).init();
        return instance;
      }) as unknown as EmbeddingFunctionCreate<T>["create"],
    };
  }
  return { create: ((options?: T["TOptions"]) => new Ctor(options)) as unknown as EmbeddingFunctionCreate<T>["create"] };
}

/**
 * The process-wide registry. Kept on `globalThis` under a `Symbol.for` key, so
 * two copies of quiverdb in one process (say, one bundled by a dependency)
 * share it.
 *
 * @example
 * ```ts
 * const fn = getRegistry().get("hashing")!.create({ ndims: 256 });
 * ```
 */
export function getRegistry(): EmbeddingFunctionRegistry {
  const holder = globalThis as unknown as Record<symbol, EmbeddingFunctionRegistry | undefined>;
  let registry = holder[REGISTRY_KEY];
  if (registry === undefined) {
    registry = new EmbeddingFunctionRegistry();
    Object.defineProperty(globalThis, REGISTRY_KEY, { value: registry, enumerable: false, configurable: false, writable: false });
  }
  return registry;
}

/**
 * Registers an embedding-function class in the process-wide registry under
 * `name` (default: the class name). A class decorator (standard or legacy) or
 * a plain call.
 *
 * @example
 * ```ts
 * @register("my-function")
 * class MyFunction extends TextEmbeddingFunction { ... }
 *
 * register("other-function")(OtherFunction); // plain JavaScript
 * ```
 */
export function register(name?: string): RegisterDecorator {
  return getRegistry().register(name);
}
