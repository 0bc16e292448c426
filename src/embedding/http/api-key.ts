/**
 * Finding a provider's API key: the `apiKey` option (always a `$var:`
 * reference, resolved by the function's constructor), else an environment
 * variable. The key is looked up on every request, so a variable or
 * environment change is followed without re-creating the function.
 *
 * @module
 */

import { EmbeddingError } from "../../errors.js";
import { isVariableReference, parseVariableReference } from "../variables.js";

/** Where to look for a key and how to describe it. */
export interface ApiKeyLookup {
  /** Registry name of the provider, for messages ("openai"). */
  provider: string;
  /** The provider's display name for "<label> API key is required" ("OpenAI"). Default: `provider`. */
  label?: string | undefined;
  /** The option's value after `$var:` substitution (undefined when not given). */
  value: unknown;
  /** The option's value as given and saved (`"$var:openai_key"`), to name the variable in messages. */
  reference?: unknown;
  /** The option's name. Default "apiKey". */
  option?: string | undefined;
  /** Environment variables to read, in order, when the option is absent. */
  envVars: readonly string[];
  /** The variable name suggested in fixes. Default `<provider>_key` ("openai_key"). */
  suggestedVariable?: string | undefined;
  /** The environment; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A key and where it came from. */
export interface ApiKey {
  /** The secret: send it, never print it. */
  readonly value: string;
  /** Where it came from, for messages: `option "apiKey" ($var:openai_key)` or `environment variable OPENAI_API_KEY`. */
  readonly source: string;
  /** What to check when the provider refuses it (the `auth` hint of `postJson`). */
  readonly fix: string;
}

/**
 * No API key in the option nor in the environment. Not retryable. Its fields
 * name the environment variables and the option, and the message shows both
 * ways to pass a key.
 */
export class MissingApiKeyError extends EmbeddingError {
  constructor(
    readonly option: string,
    readonly envVars: readonly string[],
    readonly variable: string,
    provider: string,
    label: string,
    model?: string,
  ) {
    const env = envVars.length > 0 ? envVars.join(" or ") : undefined;
    super(
      `${label} API key is required: embedding function "${provider}" found no key in its option "${option}"` +
        `${env ? ` nor in the environment variable ${env}` : ""}. ` +
        `${env ? `Set ${envVars[0]}, or call` : "Call"} getRegistry().setVar("${variable}", <your key>) and create the function with ` +
        `{ ${option}: "$var:${variable}" } (the table stores the reference, never the key).`,
      { provider, model, retryable: false },
    );
  }
}

/** The key from the option or the environment; undefined when there is none. */
export function findApiKey(lookup: ApiKeyLookup): ApiKey | undefined {
  const option = lookup.option ?? "apiKey";
  const variable = suggestedVariable(lookup);
  if (typeof lookup.value === "string" && lookup.value.trim() !== "") {
    const ref = isVariableReference(lookup.reference) ? parseVariableReference(lookup.reference) : undefined;
    const name = ref?.name ?? variable;
    return {
      value: lookup.value.trim(),
      source: `option "${option}" (${ref ? `$var:${ref.name}` : "a literal"})`,
      fix: `check the key in variable "${name}" (${option}: "$var:${name}"); set the right one with getRegistry().setVar("${name}", <your key>)`,
    };
  }
  const env = lookup.env ?? process.env;
  for (const name of lookup.envVars) {
    const value = env[name];
    if (typeof value === "string" && value.trim() !== "") {
      return {
        value: value.trim(),
        source: `environment variable ${name}`,
        fix: `check the key in the environment variable ${name}, or pass ${option}: "$var:${variable}" after getRegistry().setVar("${variable}", <your key>)`,
      };
    }
  }
  return undefined;
}

/**
 * The key from the option or the environment.
 *
 * @throws MissingApiKeyError when there is none.
 *
 * @example
 * ```ts
 * const key = resolveApiKey({ provider: "openai", label: "OpenAI", value: resolved.apiKey,
 *   reference: this.toJSON().apiKey, envVars: ["OPENAI_API_KEY"] });
 * headers.authorization = `Bearer ${key.value}`;
 * ```
 */
export function resolveApiKey(lookup: ApiKeyLookup, model?: string): ApiKey {
  const found = findApiKey(lookup);
  if (found !== undefined) return found;
  throw new MissingApiKeyError(
    lookup.option ?? "apiKey",
    lookup.envVars,
    suggestedVariable(lookup),
    lookup.provider,
    lookup.label ?? lookup.provider,
    model,
  );
}

function suggestedVariable(lookup: ApiKeyLookup): string {
  return lookup.suggestedVariable ?? `${lookup.provider.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()}_key`;
}
