// quiverdb/embedding: embedding functions, the registry, schema helpers, the
// ingest stage and the built-in providers. Named re-exports only.

// Functions
export {
  EmbeddingFunction,
  type EmbeddingBatch,
  type EmbeddingFunctionConfig,
  type EmbeddingFunctionConstructor,
  type EmbeddingVector,
  type FieldOptions,
  type FunctionOptions,
  type ResolvedEmbeddingFunctionConfig,
} from "./embedding-function.js";
export { TextEmbeddingFunction } from "./text-embedding-function.js";

// Registry and variables
export {
  EmbeddingFunctionRegistry,
  getRegistry,
  register,
  type CreateReturnType,
  type EmbeddingFunctionClass,
  type EmbeddingFunctionCreate,
  type RegisterDecorator,
} from "./registry.js";
export { isVariableReference, parseVariableReference, type VariableReference } from "./variables.js";

// Schema and metadata
export { LanceSchema } from "./lance-schema.js";
export {
  EMBEDDING_FUNCTIONS_KEY,
  functionToMetadata,
  getTableMetadata,
  parseEmbeddingMetadata,
  serializeEmbeddingMetadata,
  type EmbeddingMetadataEntry,
} from "./embedding-metadata.js";
export {
  FunctionInstanceCache,
  embeddingPairs,
  embeddingPairsFor,
  getFunctionInstanceCache,
  requireEmbeddingFunction,
  resolveEmbeddingFunctions,
  type EmbeddingColumn,
  type ReadyEmbeddingColumn,
  type ResolveFunctionsOptions,
  type UnavailableEmbeddingColumn,
} from "./resolve-functions.js";

// Ingest and query
export {
  EMBED_DEFAULTS,
  embedMissingVectors,
  embedMissingVectorsWithStats,
  type EmbedOptions,
  type EmbedStats,
  type EmbeddingPair,
  type EmbeddingPhaseProgress,
  type IngestProgress,
  type WritingPhaseProgress,
} from "./ingest-stage.js";
export { embedQuery, type EmbedQueryOptions } from "./embed-query.js";
export { isRetryableError, isRetryableStatus, withRetry, type RetryOptions } from "./retry.js";

// Caches
export {
  MemoryEmbeddingCache,
  functionCacheKey,
  hashSource,
  type EmbeddingCache,
  type EmbeddingCacheEntry,
  type MemoryEmbeddingCacheOptions,
} from "./embedding-cache.js";
export { PersistentEmbeddingCache } from "./persistent-embedding-cache.js";

// Built-in providers
export { HASHING_FUNCTION_NAME, HashingEmbeddingFunction, type HashingOptions } from "./providers/hashing.js";

// Errors of this module (also exported from "quiverdb")
export {
  EmbeddingError,
  EmbeddingFunctionNotFoundError,
  EmbeddingMetadataError,
  OperationAbortedError,
  RegistryError,
  SecretInConfigError,
  VariableNotSetError,
} from "../errors.js";
