/**
 * Checking the options of an HTTP provider once, in its constructor, with
 * typed errors that name the provider, the option and the fix. Values may come
 * from `$var:` references, so numbers and booleans are also accepted as
 * strings ("256", "true").
 *
 * @module
 */

import { InvalidArgumentError, SecretInConfigError } from "../../errors.js";
import { getVariableStore, isVariableReference, resolveReference } from "../variables.js";
import type { FetchLike } from "./post-json.js";
import { isSensitiveHeader } from "./redact.js";

/**
 * An invalid option: `Embedding function "<provider>": option "<option>"
 * <problem>. <fix>` (the fix defaults to pointing at the create() call).
 */
export function optionError(provider: string, option: string, problem: string, fix?: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `Embedding function "${provider}": option "${option}" ${problem}. ` +
      (fix ?? `Fix the options passed to getRegistry().get("${provider}")!.create(...).`),
    option,
  );
}

/**
 * The options with every alias renamed to its canonical name (Python's
 * `name` -> `model`, `api_key` -> `apiKey`...), so a config written by
 * LanceDB's Python SDK is read too; `undefined` values dropped.
 *
 * @throws InvalidArgumentError for an unknown option (listing the known ones),
 *   or an option given under two names.
 */
export function normaliseOptions(
  provider: string,
  options: Readonly<Record<string, unknown>>,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    // LanceDB's Python functions all take max_retries and may store it in a table's config.
    // Retries belong to the ingest stage here (the write's maxRetries), so the stored value is accepted and ignored.
    if (key === "max_retries" || key === "maxRetries") continue;
    const name = Object.prototype.hasOwnProperty.call(aliases, key) ? aliases[key]! : key;
    if (!known.includes(name)) {
      throw optionError(provider, key, `is not an option of "${provider}"; the options are ${known.join(", ")}`);
    }
    if (Object.prototype.hasOwnProperty.call(out, name)) {
      throw optionError(provider, name, `is given twice (as "${name}" and as "${key}")`, "Keep one of them.");
    }
    out[name] = value;
  }
  return out;
}

/** A string option (non-empty), optionally one of `choices`. */
export function readString(
  provider: string,
  options: Readonly<Record<string, unknown>>,
  name: string,
  choices?: readonly string[],
): string | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw optionError(provider, name, `must be a non-empty string, got ${describe(value)}`);
  }
  if (choices !== undefined && !choices.includes(value)) {
    throw optionError(provider, name, `must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An integer option from `min` to `max` (a number or a numeric string). */
export function readInteger(
  provider: string,
  options: Readonly<Record<string, unknown>>,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw optionError(provider, name, `must be an integer from ${range.min} to ${range.max}, got ${describe(value)}`);
  }
  return n;
}

/** A boolean option (`true`/`false` or `"true"`/`"false"`). */
export function readBoolean(provider: string, options: Readonly<Record<string, unknown>>, name: string): boolean | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw optionError(provider, name, `must be true or false, got ${describe(value)}`);
}

/** An object option (e.g. Ollama's model `options`), as given. */
export function readObject(provider: string, options: Readonly<Record<string, unknown>>, name: string): Record<string, unknown> | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw optionError(provider, name, `must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * An http(s) URL without trailing slashes. `source` names where the value
 * came from when it is not the option itself ("the environment variable OPENAI_BASE_URL").
 */
export function readUrl(provider: string, name: string, value: unknown, source?: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const from = source ? ` (from ${source})` : "";
  if (typeof value !== "string" || value.trim() === "") {
    throw optionError(provider, name, `must be a URL string${from}, got ${describe(value)}`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw optionError(provider, name, `must be an absolute URL such as "https://host/v1"${from}, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw optionError(provider, name, `must be an http or https URL${from}, got protocol "${url.protocol}"`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw optionError(provider, name, `must not have a query or fragment${from}`, "Pass the API root only, e.g. \"https://host/v1\".");
  }
  return url.toString().replace(/\/+$/, "");
}

/**
 * Extra request headers: an object of strings. Values may be `$var:`
 * references (resolved here: headers are nested, which the base class does
 * not resolve); a credential header (`Authorization`, `api-key`, `x-api-key`...)
 * must be one, since the options are stored with the table.
 *
 * @throws SecretInConfigError for a credential header with a literal value.
 */
export function readHeaders(provider: string, options: Readonly<Record<string, unknown>>, name = "headers"): Record<string, string> {
  const value = options[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw optionError(provider, name, `must be an object of header names to strings, got ${describe(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [header, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== "string") {
      throw optionError(provider, `${name}.${header}`, `must be a string, got ${describe(raw)}`);
    }
    if (isVariableReference(raw)) {
      out[header] = resolveReference(raw, getVariableStore(), `${name}.${header}`, provider);
    } else if (isSensitiveHeader(header)) {
      throw new SecretInConfigError(`${name}.${header}`, provider);
    } else {
      out[header] = raw;
    }
  }
  return out;
}

/** An injected fetch function (runtime only: it is not saved with the table). */
export function readFetch(provider: string, options: Readonly<Record<string, unknown>>, name = "fetch"): FetchLike | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "function") throw optionError(provider, name, `must be a fetch function, got ${describe(value)}`);
  return value as FetchLike;
}

/** The request timeout in milliseconds (1 ms to 1 hour). */
export function readTimeoutMs(provider: string, options: Readonly<Record<string, unknown>>, name = "timeoutMs"): number | undefined {
  return readInteger(provider, options, name, { min: 1, max: 3_600_000 });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
