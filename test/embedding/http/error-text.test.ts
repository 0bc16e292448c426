import { describe, expect, it } from "vitest";
import { MAX_ERROR_TEXT, extractErrorText } from "../../../src/embedding/http/error-text.js";

describe("extractErrorText()", () => {
  it("reads each provider's error shape", () => {
    const shapes: [unknown, string][] = [
      [{ error: { message: "openai says", type: "invalid_request_error" } }, "openai says"],
      [{ error: "ollama says" }, "ollama says"],
      [{ id: "x", message: "cohere says" }, "cohere says"],
      [{ detail: "jina says" }, "jina says"],
      [{ detail: [{ loc: ["body", "task"], msg: "bad task" }, { loc: ["body", "input", 0], msg: "bad input" }] }, "bad task (at task); bad input (at input.0)"],
      [{ object: "error", message: { detail: [{ loc: ["body", "model"], msg: "Field required" }] } }, "Field required (at model)"],
      [{ errors: [{ code: "x", message: "ibm says" }] }, "ibm says"],
      [{ error: { code: 400, message: "google says", status: "INVALID_ARGUMENT" } }, "google says"],
    ];
    for (const [body, text] of shapes) expect(extractErrorText(body, JSON.stringify(body))).toBe(text);
  });

  it("falls back to the raw text (one line, clipped), names HTML pages, and is undefined for nothing", () => {
    expect(extractErrorText(undefined, "upstream\n  timed out")).toBe("upstream timed out");
    expect(extractErrorText(undefined, "x".repeat(1000))!.length).toBe(MAX_ERROR_TEXT);
    expect(extractErrorText(undefined, "<!DOCTYPE html><html>...")).toContain("HTML page");
    expect(extractErrorText(undefined, "")).toBeUndefined();
    expect(extractErrorText({ unrelated: 1 }, '{"unrelated":1}')).toBeUndefined();
  });
});
