/**
 * Canonical JSON: object keys sorted at every level, no whitespace, values that
 * JSON drops (undefined, functions, symbols) dropped. Two configs that mean the
 * same thing give the same string, whatever order their keys were written in.
 *
 * @internal
 * @module
 */

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isDropped(item) ? null : sortKeys(item)));
  if (value !== null && typeof value === "object") {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
      return sortKeys((value as { toJSON(): unknown }).toJSON());
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (!isDropped(item)) out[key] = sortKeys(item);
    }
    return out;
  }
  return value;
}

function isDropped(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}
