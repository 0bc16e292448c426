/**
 * Builds a TINY BERT-shaped model directory that `@huggingface/transformers`
 * loads like any Hugging Face model: `config.json` (model_type "bert"),
 * `tokenizer.json` + `tokenizer_config.json` (a WordPiece vocabulary of a few
 * dozen tokens) and `onnx/model.onnx`, written byte by byte by the small
 * protobuf encoder below (a few kilobytes in all).
 *
 * The graph is deliberately simple, so a test can compute every output itself:
 *
 *     last_hidden_state[b, s, :] = tanh(WORD[input_ids[b, s]] + TYPE[token_type_ids[b, s]] + MASK[attention_mask[b, s]])
 *
 * three Gathers over initializer tables, two Adds and a Tanh. It depends on
 * every input, and padding positions get a non-zero hidden state (as in a real
 * BERT), so a pooling that forgets to exclude padding gives a different answer.
 *
 * The ONNX field numbers used here are the public ones of onnx.proto
 * (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto).
 */

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

// ---------------------------------------------------------------- protobuf

/** Protobuf wire format: varints, length-delimited fields. */
class ProtoWriter {
  readonly #bytes: number[] = [];

  #varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.#bytes.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.#bytes.push(Number(v));
  }

  #tag(field: number, wireType: number): void {
    this.#varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.#tag(field, 0);
    this.#varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, 2);
    this.#varint(value.length);
    for (const b of value) this.#bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

// ONNX enums (onnx.proto TensorProto.DataType).
const FLOAT = 1;
const INT64 = 7;

/** A float32 initializer: TensorProto { dims=1, data_type=2, name=8, raw_data=9 }. */
function writeFloatTensor(w: ProtoWriter, name: string, dims: readonly number[], values: Float32Array): void {
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, name);
  w.bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** ValueInfoProto { name=1, type=2 { tensor_type=1 { elem_type=1, shape=2 { dim=1 { dim_value=1 | dim_param=2 } } } } }. */
function writeValueInfo(w: ProtoWriter, name: string, elemType: number, dims: readonly (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, elemType);
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === "number" ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** NodeProto { input=1, output=2, name=3, op_type=4 }. */
function writeNode(w: ProtoWriter, opType: string, name: string, inputs: readonly string[], outputs: readonly string[]): void {
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name);
  w.string(4, opType);
}

// ---------------------------------------------------------------- the model

/** The vocabulary, in id order (WordPiece: "##" marks a word continuation). */
export const TINY_BERT_VOCAB: readonly string[] = Object.freeze([
  "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
  ".", ",", "!", "?",
  "the", "a", "is", "in", "on", "of", "and",
  "quiver", "vector", "database", "arrow", "file", "search", "model", "local", "embed",
  "bread", "yeast", "warm", "rise", "oven",
  "cat", "dog", "sat", "mat", "run",
  "##s", "##ing", "##ed", "##ding",
]);

/** The width of every hidden state (config.json `hidden_size`). */
export const TINY_BERT_HIDDEN_SIZE = 8;
/** The longest input, special tokens included (tokenizer_config.json `model_max_length`). */
export const TINY_BERT_MAX_LENGTH = 16;

/** The three tables of the graph, row-major float32 (values exactly representable in float32). */
export interface TinyBertWeights {
  /** vocab size x hidden */
  readonly word: Float32Array;
  /** 2 x hidden (token_type_ids 0 and 1) */
  readonly type: Float32Array;
  /** 2 x hidden (attention_mask 0 and 1) */
  readonly mask: Float32Array;
}

/** Deterministic weights: small multiples of 1/64 spread by a sine, so float32 holds them exactly. */
export function tinyBertWeights(): TinyBertWeights {
  const h = TINY_BERT_HIDDEN_SIZE;
  const table = (rows: number, seed: number): Float32Array => {
    const out = new Float32Array(rows * h);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < h; c++) out[r * h + c] = Math.round(Math.sin(seed + r * 12.9898 + c * 78.233) * 64) / 64;
    }
    return out;
  };
  return { word: table(TINY_BERT_VOCAB.length, 1), type: table(2, 2).map((v) => v / 4), mask: table(2, 3).map((v) => v / 4) };
}

/** The bytes of `onnx/model.onnx` for `weights`. */
export function tinyBertOnnx(weights: TinyBertWeights = tinyBertWeights()): Uint8Array {
  const h = TINY_BERT_HIDDEN_SIZE;
  const model = new ProtoWriter();
  model.int(1, 8); // ir_version
  model.string(2, "quiver-tiny-bert"); // producer_name
  model.message(7, (graph) => {
    graph.message(1, (n) => writeNode(n, "Gather", "gather_word", ["word_embeddings", "input_ids"], ["word"]));
    graph.message(1, (n) => writeNode(n, "Gather", "gather_type", ["token_type_embeddings", "token_type_ids"], ["type"]));
    graph.message(1, (n) => writeNode(n, "Gather", "gather_mask", ["mask_embeddings", "attention_mask"], ["mask"]));
    graph.message(1, (n) => writeNode(n, "Add", "add_type", ["word", "type"], ["word_type"]));
    graph.message(1, (n) => writeNode(n, "Add", "add_mask", ["word_type", "mask"], ["pre_activation"]));
    graph.message(1, (n) => writeNode(n, "Tanh", "tanh", ["pre_activation"], ["last_hidden_state"]));
    graph.string(2, "tiny_bert");
    graph.message(5, (t) => writeFloatTensor(t, "word_embeddings", [TINY_BERT_VOCAB.length, h], weights.word));
    graph.message(5, (t) => writeFloatTensor(t, "token_type_embeddings", [2, h], weights.type));
    graph.message(5, (t) => writeFloatTensor(t, "mask_embeddings", [2, h], weights.mask));
    for (const name of ["input_ids", "attention_mask", "token_type_ids"]) {
      graph.message(11, (v) => writeValueInfo(v, name, INT64, ["batch_size", "sequence_length"]));
    }
    graph.message(12, (v) => writeValueInfo(v, "last_hidden_state", FLOAT, ["batch_size", "sequence_length", h]));
  });
  model.message(8, (opset) => opset.string(1, "").int(2, 13)); // opset_import { domain="", version=13 }
  return model.finish();
}

/** config.json of the tiny model. */
export function tinyBertConfig(): Record<string, unknown> {
  return {
    architectures: ["BertModel"],
    model_type: "bert",
    hidden_size: TINY_BERT_HIDDEN_SIZE,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: 16,
    max_position_embeddings: TINY_BERT_MAX_LENGTH,
    type_vocab_size: 2,
    vocab_size: TINY_BERT_VOCAB.length,
    pad_token_id: 0,
  };
}

/** tokenizer.json of the tiny model: BERT's normaliser, pre-tokeniser, WordPiece and [CLS] ... [SEP] template. */
export function tinyBertTokenizer(): Record<string, unknown> {
  const vocab = Object.fromEntries(TINY_BERT_VOCAB.map((token, id) => [token, id]));
  const special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((content) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/** tokenizer_config.json of the tiny model. */
export function tinyBertTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    model_max_length: TINY_BERT_MAX_LENGTH,
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    mask_token: "[MASK]",
    clean_up_tokenization_spaces: true,
  };
}

/**
 * Writes the tiny model to `dir` (created if needed) and returns `dir`:
 * config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx.
 */
export async function writeTinyBert(dir: string, weights: TinyBertWeights = tinyBertWeights()): Promise<string> {
  await mkdir(join(dir, "onnx"), { recursive: true });
  await writeFile(join(dir, "config.json"), JSON.stringify(tinyBertConfig(), null, 2));
  await writeFile(join(dir, "tokenizer.json"), JSON.stringify(tinyBertTokenizer()));
  await writeFile(join(dir, "tokenizer_config.json"), JSON.stringify(tinyBertTokenizerConfig(), null, 2));
  await writeFile(join(dir, "onnx", "model.onnx"), tinyBertOnnx(weights));
  return dir;
}

/**
 * What the tiny model's hidden state is for one token, computed here in plain
 * JavaScript (float64) from the weights: the reference the tests compare with.
 */
export function tinyBertHiddenState(weights: TinyBertWeights, tokenId: number, typeId: number, maskValue: number): number[] {
  const h = TINY_BERT_HIDDEN_SIZE;
  const out: number[] = [];
  for (let c = 0; c < h; c++) {
    out.push(Math.tanh(weights.word[tokenId * h + c]! + weights.type[typeId * h + c]! + weights.mask[maskValue * h + c]!));
  }
  return out;
}
