import { describe, expect, it } from "vitest";
import { describeUrl, joinUrl } from "../../../src/embedding/http/url.js";

describe("joinUrl()", () => {
  it("joins with exactly one slash and adds query parameters", () => {
    expect(joinUrl("https://api.openai.com/v1/", "/embeddings")).toBe("https://api.openai.com/v1/embeddings");
    expect(joinUrl("http://h:1", "api/embed")).toBe("http://h:1/api/embed");
    expect(joinUrl("https://r.openai.azure.com", "openai/deployments/d/embeddings", { "api-version": "2024-10-21", skip: undefined })).toBe(
      "https://r.openai.azure.com/openai/deployments/d/embeddings?api-version=2024-10-21",
    );
  });
});

describe("describeUrl()", () => {
  it("shows origin and path, harmless query parameters, never credentials or user info", () => {
    expect(describeUrl("https://user:pw@host:8443/v1/x?api-version=1&key=abc#frag")).toBe("https://host:8443/v1/x?api-version=1&key=[redacted]");
    expect(describeUrl("http://127.0.0.1:1/v1/embeddings")).toBe("http://127.0.0.1:1/v1/embeddings");
    expect(describeUrl("not a url")).toBe("(an invalid URL)");
  });
});
