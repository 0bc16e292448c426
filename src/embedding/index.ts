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
export {
  AZURE_OPENAI_DEFAULT_API_VERSION,
  OPENAI_DEFAULT_BASE_URL,
  OPENAI_DEFAULT_MODEL,
  OPENAI_FUNCTION_NAME,
  OPENAI_MAX_BATCH_SIZE,
  OPENAI_MODELS,
  OpenAIEmbeddingFunction,
  type OpenAIEmbeddingOptions,
  type OpenAIModelInfo,
} from "./providers/openai.js";
export {
  COHERE_DEFAULT_BASE_URL,
  COHERE_DEFAULT_MODEL,
  COHERE_FUNCTION_NAME,
  COHERE_INPUT_TYPES,
  COHERE_MAX_BATCH_SIZE,
  COHERE_MODELS,
  CohereEmbeddingFunction,
  type CohereEmbeddingOptions,
  type CohereModelInfo,
} from "./providers/cohere.js";
export {
  OLLAMA_DEFAULT_HOST,
  OLLAMA_DEFAULT_MODEL,
  OLLAMA_DEFAULT_TIMEOUT_MS,
  OLLAMA_FUNCTION_NAME,
  OLLAMA_MAX_BATCH_SIZE,
  OLLAMA_MODELS,
  OllamaEmbeddingFunction,
  type OllamaEmbeddingOptions,
} from "./providers/ollama.js";
export {
  JINA_DEFAULT_BASE_URL,
  JINA_DEFAULT_MODEL,
  JINA_FUNCTION_NAME,
  JINA_MAX_BATCH_SIZE,
  JINA_MODELS,
  JinaEmbeddingFunction,
  type JinaEmbeddingOptions,
  type JinaModelInfo,
} from "./providers/jina.js";
export {
  MISTRAL_DEFAULT_BASE_URL,
  MISTRAL_DEFAULT_MODEL,
  MISTRAL_FUNCTION_NAME,
  MISTRAL_MAX_BATCH_SIZE,
  MISTRAL_MODELS,
  MistralEmbeddingFunction,
  type MistralEmbeddingOptions,
  type MistralModelInfo,
} from "./providers/mistral.js";
export {
  VOYAGEAI_DEFAULT_BASE_URL,
  VOYAGEAI_DEFAULT_MAX_BATCH,
  VOYAGEAI_FUNCTION_NAME,
  VOYAGEAI_MODELS,
  VoyageAIEmbeddingFunction,
  type VoyageAIEmbeddingOptions,
  type VoyageModelInfo,
} from "./providers/voyageai.js";
export {
  GEMINI_TASK_TYPES,
  GEMINI_TEXT_DEFAULT_BASE_URL,
  GEMINI_TEXT_DEFAULT_MODEL,
  GEMINI_TEXT_FUNCTION_NAME,
  GEMINI_TEXT_MAX_BATCH_SIZE,
  GEMINI_TEXT_MODELS,
  GeminiTextEmbeddingFunction,
  type GeminiModelInfo,
  type GeminiTextEmbeddingOptions,
} from "./providers/gemini-text.js";
export {
  BEDROCK_TEXT_DEFAULT_MODEL,
  BEDROCK_TEXT_DEFAULT_REGION,
  BEDROCK_TEXT_FUNCTION_NAME,
  BEDROCK_TEXT_MODELS,
  BedrockTextEmbeddingFunction,
  type BedrockModelFamily,
  type BedrockModelInfo,
  type BedrockTextEmbeddingOptions,
} from "./providers/bedrock-text.js";
export {
  WATSONX_DEFAULT_API_VERSION,
  WATSONX_DEFAULT_IAM_URL,
  WATSONX_DEFAULT_MODEL,
  WATSONX_DEFAULT_URL,
  WATSONX_FUNCTION_NAME,
  WATSONX_MAX_BATCH_SIZE,
  WATSONX_MODELS,
  WatsonxEmbeddingFunction,
  type WatsonxEmbeddingOptions,
} from "./providers/watsonx.js";
export {
  HUGGINGFACE_API_DEFAULT_BASE_URL,
  HUGGINGFACE_API_DEFAULT_MODEL,
  HUGGINGFACE_API_FUNCTION_NAME,
  HUGGINGFACE_API_MAX_BATCH_SIZE,
  HUGGINGFACE_API_MODELS,
  HuggingFaceApiEmbeddingFunction,
  type HuggingFaceApiEmbeddingOptions,
} from "./providers/huggingface-api.js";
export {
  HUGGINGFACE_DEFAULT_MODEL,
  HUGGINGFACE_FUNCTION_NAME,
  HUGGINGFACE_MODELS,
  TRANSFORMERS_FUNCTION_NAME,
  TransformersAliasEmbeddingFunction,
  TransformersEmbeddingFunction,
  type TransformersEmbeddingOptions,
} from "./providers/transformers.js";
export {
  SENTENCE_TRANSFORMERS_DEFAULT_MODEL,
  SENTENCE_TRANSFORMERS_FUNCTION_NAME,
  SENTENCE_TRANSFORMERS_MODELS,
  SentenceTransformersEmbeddingFunction,
  type SentenceTransformersEmbeddingOptions,
} from "./providers/sentence-transformers.js";
export {
  LOCAL_MODEL_DEFAULT_BATCH_SIZE,
  LOCAL_MODEL_DEVICES,
  LOCAL_MODEL_DTYPES,
  type LocalModelOptions,
} from "./providers/local-model/local-text-embedding-function.js";
export {
  OPEN_CLIP_DEFAULT_MODEL,
  OPEN_CLIP_FUNCTION_NAME,
  OPEN_CLIP_MODELS,
  OpenClipEmbeddingFunction,
  type OpenClipImage,
  type OpenClipOptions,
  type OpenClipQuery,
} from "./providers/open-clip.js";
export {
  WORD_VECTORS_DIMS,
  WORD_VECTORS_FUNCTION_NAME,
  WORD_VECTORS_PACKAGE,
  WordVectorsEmbeddingFunction,
  type WordVectorsOptions,
} from "./providers/word-vectors.js";
export { CACHE_DIR_ENV as WORD_VECTORS_CACHE_DIR_ENV, type CacheBuildEvent as WordVectorsCacheBuildEvent } from "./providers/word-vectors-cache.js";
// The shared HTTP layer, for custom remote providers.
export { MissingApiKeyError, decodeFloat32Base64, encodeFloat32Base64, postJson, type PostJsonRequest } from "./http/index.js";

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
