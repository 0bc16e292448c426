/**
 * `$var:` references in embedding-function options, and the process-wide
 * variable store they are resolved against.
 *
 * An option value `"$var:name"` is replaced by the value of variable `name`
 * (set with `getRegistry().setVar(name, value)`); `"$var:name:default"` falls
 * back to `default` when the variable is not set. The reference is split once,
 * at the first colon after the name, so a default may itself contain colons:
 * `"$var:url:http://h:8080"` has the default `"http://h:8080"`.
 *
 * The empty-string rule (Quiver's choice, as LanceDB's Python SDK): a variable
 * set to `""` is set, and resolves to `""`; a default written as
 * `"$var:name:"` is the empty string and is used when the variable is unset.
 * Only an unset variable without a default is an error.
 *
 * Only top-level option values are resolved (nested objects are left as they
 * are), as in LanceDB.
 *
 * @module
 */

import { InvalidArgumentError, SecretInConfigError, VariableNotSetError } from "../errors.js";

/** The prefix that marks a variable reference in an option value. */
export const VAR_PREFIX = "$var:";

/** A parsed `$var:name[:default]` reference. */
export interface VariableReference {
  readonly name: string;
  /** Present when the reference has a default (possibly `""`). */
  readonly defaultValue?: string | undefined;
}

/** Where variables are looked up. */
export interface VariableLookup {
  getVar(name: string): string | undefined;
}

const STORE_KEY = Symbol.for("quiverdb.embedding.variables");

/**
 * The process-wide variables (shared by every copy of quiverdb loaded in the
 * process). The registry's `setVar` / `getVar` read and write it.
 * @internal
 */
export class VariableStore implements VariableLookup {
  readonly #values = new Map<string, string>();

  setVar(name: string, value: string): void {
    checkVariableName(name);
    if (typeof value !== "string") {
      throw new InvalidArgumentError(
        `setVar("${name}", value): the value must be a string, got ${value === null ? "null" : typeof value}; ` +
          `convert it first, e.g. setVar("${name}", String(value)).`,
        "value",
      );
    }
    this.#values.set(name, value);
  }

  getVar(name: string): string | undefined {
    return this.#values.get(name);
  }

  /** Removes a variable; true when it was set. */
  deleteVar(name: string): boolean {
    return this.#values.delete(name);
  }
}

/** The process-wide {@link VariableStore}. @internal */
export function getVariableStore(): VariableStore {
  const holder = globalThis as unknown as Record<symbol, VariableStore | undefined>;
  let store = holder[STORE_KEY];
  if (store === undefined) {
    store = new VariableStore();
    Object.defineProperty(globalThis, STORE_KEY, { value: store, enumerable: false, configurable: false, writable: false });
  }
  return store;
}

/** Throws unless `name` is a usable variable name (non-empty, no colon). @internal */
export function checkVariableName(name: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new InvalidArgumentError(`Variable names must be non-empty strings, got ${JSON.stringify(name)}.`, "name");
  }
  if (name.includes(":")) {
    throw new InvalidArgumentError(
      `Variable names cannot contain colons: "${name}". A colon separates the name from the default in "$var:name:default"; ` +
        `rename the variable, e.g. "${name.replaceAll(":", "_")}".`,
      "name",
    );
  }
}

/** True when `value` is a string of the form `$var:...`. */
export function isVariableReference(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(VAR_PREFIX);
}

/**
 * Parses `$var:name` / `$var:name:default`, splitting once so that the default
 * keeps any colons. Undefined when `value` is not a reference.
 *
 * @throws InvalidArgumentError for `$var:` with an empty name.
 */
export function parseVariableReference(value: string): VariableReference | undefined {
  if (!value.startsWith(VAR_PREFIX)) return undefined;
  const rest = value.slice(VAR_PREFIX.length);
  const cut = rest.indexOf(":");
  const name = cut < 0 ? rest : rest.slice(0, cut);
  if (name.length === 0) {
    throw new InvalidArgumentError(
      `"${value}" is not a valid variable reference: the name is empty. Write "$var:name" or "$var:name:default".`,
      "options",
    );
  }
  return cut < 0 ? { name } : { name, defaultValue: rest.slice(cut + 1) };
}

/** Options of {@link resolveVariables}. */
export interface ResolveVariablesOptions {
  /** Keys whose values must be `$var:` references (API keys, tokens). */
  sensitiveKeys?: readonly string[];
  /** The function's name, for messages. */
  provider?: string;
  /** Where variables come from; the process-wide store by default. */
  lookup?: VariableLookup;
}

/**
 * Checks that no sensitive key holds a literal value: a sensitive key must be
 * absent (`undefined`/`null`) or a `$var:` reference. Any other value, string
 * or not, is refused with a {@link SecretInConfigError} that never shows it.
 */
export function checkNoSecrets(config: Readonly<Record<string, unknown>>, sensitiveKeys: readonly string[], provider: string): void {
  for (const key of sensitiveKeys) {
    if (!Object.prototype.hasOwnProperty.call(config, key)) continue;
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (!isVariableReference(value)) throw new SecretInConfigError(key, provider);
  }
}

/**
 * A copy of `config` with every top-level `$var:` reference replaced by its
 * value (see the module notes for the rules). The input is not changed.
 *
 * @throws SecretInConfigError when a sensitive key holds a literal value.
 * @throws VariableNotSetError when a reference without default names an unset variable.
 *
 * @example
 * ```ts
 * getRegistry().setVar("api_key", process.env.ACME_KEY!);
 * resolveVariables({ apiKey: "$var:api_key", url: "$var:url:http://h:8080" }, { sensitiveKeys: ["apiKey"] });
 * // -> { apiKey: "<the key>", url: "http://h:8080" }
 * ```
 */
export function resolveVariables(
  config: Readonly<Record<string, unknown>>,
  options: ResolveVariablesOptions = {},
): Record<string, unknown> {
  const provider = options.provider ?? "embedding function";
  checkNoSecrets(config, options.sensitiveKeys ?? [], provider);
  const lookup = options.lookup ?? getVariableStore();
  const resolved: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(config)) {
    if (!isVariableReference(value)) continue;
    resolved[key] = resolveReference(value, lookup, key, options.provider);
  }
  return resolved;
}

/**
 * The value of one `$var:` string.
 * @throws VariableNotSetError when the variable is unset and there is no default.
 */
export function resolveReference(value: string, lookup: VariableLookup, key?: string, provider?: string): string {
  const ref = parseVariableReference(value)!;
  const current = lookup.getVar(ref.name);
  if (current !== undefined) return current;
  if (ref.defaultValue !== undefined) return ref.defaultValue;
  throw new VariableNotSetError(ref.name, key, provider);
}

/**
 * The variables `config` refers to at top level, with their current values
 * (`undefined` when unset); used to tell apart two functions made from the same
 * stored config under different variable values. @internal
 */
export function referencedVariables(config: Readonly<Record<string, unknown>>, lookup: VariableLookup = getVariableStore()): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const value of Object.values(config)) {
    if (!isVariableReference(value)) continue;
    const ref = parseVariableReference(value);
    if (ref) out.push([ref.name, lookup.getVar(ref.name)]);
  }
  return out;
}
