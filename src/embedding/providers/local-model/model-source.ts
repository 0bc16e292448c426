/**
 * Where a local model comes from: a directory on disk (used as it is), or a
 * Hugging Face hub id, found in the local cache or downloaded when online.
 * Plus what a sentence-transformers directory says about pooling,
 * normalisation and length (`modules.json`, `1_Pooling/config.json`,
 * `sentence_bert_config.json`).
 *
 * @internal
 * @module
 */

import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { PoolingStrategy } from "./pooling.js";

/** A model reference after resolution. */
export interface ModelSource {
  /** What transformers.js is given: an absolute directory, or a hub id. */
  readonly location: string;
  /** True when `location` is a directory on disk. */
  readonly isDirectory: boolean;
}

/** True for strings that can only be a path ("./m", "../m", "/m", "~/m", "C:\\m"). */
export function looksLikePath(model: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|~[\\/]|[A-Za-z]:[\\/])/.test(model) || model.includes("\\");
}

/**
 * Resolves `model`: an existing directory becomes its absolute path (so a
 * relative path such as "models/tiny" is not mistaken for a hub id); a string
 * that can only be a path but names no directory is returned with
 * `isDirectory: false` and `missingPath` set; anything else is a hub id.
 */
export async function resolveModelSource(model: string): Promise<ModelSource & { readonly missingPath?: string }> {
  const expanded = model.startsWith("~/") || model.startsWith("~\\") ? join(homedir(), model.slice(2)) : model;
  const absolute = isAbsolute(expanded) ? expanded : resolve(expanded);
  try {
    if ((await stat(absolute)).isDirectory()) return { location: absolute, isDirectory: true };
  } catch {
    // Not on disk: a hub id, or a path that does not exist (reported by the caller).
  }
  if (looksLikePath(model)) return { location: absolute, isDirectory: false, missingPath: absolute };
  return { location: model, isDirectory: false };
}

/** What a sentence-transformers model directory declares. */
export interface SentenceTransformersCard {
  readonly pooling?: PoolingStrategy;
  readonly normalize?: boolean;
  readonly maxSeqLength?: number;
}

/**
 * Reads the sentence-transformers files of a model directory, when present:
 * the pooling mode, whether a Normalize module follows it, the max sequence
 * length. Files that are absent or unreadable say nothing.
 */
export async function readSentenceTransformersCard(dir: string): Promise<SentenceTransformersCard> {
  const modules = await readJson(join(dir, "modules.json"));
  const card: { pooling?: PoolingStrategy; normalize?: boolean; maxSeqLength?: number } = {};
  if (Array.isArray(modules)) {
    const types = modules.map((m) => (typeof m === "object" && m !== null ? String((m as { type?: unknown }).type ?? "") : ""));
    card.normalize = types.some((t) => t.endsWith(".Normalize"));
    const poolingModule = modules.find(
      (m) => typeof m === "object" && m !== null && String((m as { type?: unknown }).type ?? "").endsWith(".Pooling"),
    ) as { path?: unknown } | undefined;
    const poolingDir = typeof poolingModule?.path === "string" ? poolingModule.path : "1_Pooling";
    const pooling = await readJson(join(dir, poolingDir, "config.json"));
    if (typeof pooling === "object" && pooling !== null) {
      const p = pooling as Record<string, unknown>;
      if (p.pooling_mode_cls_token === true) card.pooling = "cls";
      else if (p.pooling_mode_mean_tokens === true) card.pooling = "mean";
    }
  }
  const bert = await readJson(join(dir, "sentence_bert_config.json"));
  if (typeof bert === "object" && bert !== null) {
    const length = (bert as Record<string, unknown>).max_seq_length;
    if (typeof length === "number" && Number.isInteger(length) && length > 0) card.maxSeqLength = length;
  }
  return card;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}
