/**
 * Which registry name belongs to which embedding-function class. The name is
 * looked up on the exact constructor only (a WeakMap keyed by the class), never
 * through the prototype chain: a subclass that is not registered itself has no
 * name (LanceDB lets it borrow its parent's, so a table would later rebuild the
 * parent class). The map lives on `globalThis` under a `Symbol.for` key so that
 * two copies of quiverdb in one process agree.
 *
 * @internal
 * @module
 */

type AnyClass = abstract new (...args: never[]) => unknown;

const NAMES_KEY = Symbol.for("quiverdb.embedding.function-names");

function names(): WeakMap<AnyClass, string> {
  const holder = globalThis as unknown as Record<symbol, WeakMap<AnyClass, string> | undefined>;
  let map = holder[NAMES_KEY];
  if (map === undefined) {
    map = new WeakMap();
    Object.defineProperty(globalThis, NAMES_KEY, { value: map, enumerable: false, configurable: false, writable: false });
  }
  return map;
}

/**
 * The key under which a built-in provider class declares its registry name as
 * an own static property (so that importing its module registers nothing).
 * @internal
 */
export const BUILT_IN_NAME = Symbol.for("quiverdb.embedding.built-in-name");

/** The registry name of exactly this class (a built-in's own name first), or undefined. @internal */
export function registeredNameOf(ctor: AnyClass): string | undefined {
  if (Object.prototype.hasOwnProperty.call(ctor, BUILT_IN_NAME)) {
    const own = (ctor as unknown as Record<symbol, unknown>)[BUILT_IN_NAME];
    if (typeof own === "string") return own;
  }
  return names().get(ctor);
}

/** Records `name` for `ctor`; the first name a class gets stays its name. @internal */
export function recordFunctionName(ctor: AnyClass, name: string): void {
  const map = names();
  if (!map.has(ctor)) map.set(ctor, name);
}

/** Forgets the name of `ctor` when it is `name`. @internal */
export function forgetFunctionName(ctor: AnyClass, name: string): void {
  const map = names();
  if (map.get(ctor) === name) map.delete(ctor);
}

/** The name used in messages: the registry name, else the class name. @internal */
export function displayNameOf(fn: object): string {
  const ctor = fn.constructor as AnyClass;
  return registeredNameOf(ctor) ?? (ctor.name || "anonymous embedding function");
}
