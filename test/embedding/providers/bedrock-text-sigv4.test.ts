import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalQuery, canonicalUri, signAwsRequest, signingKey, toAmzDate } from "../../../src/embedding/providers/aws-sigv4.js";

// AWS's SigV4 test suite ("aws-sig-v4-test-suite"): these credentials, region,
// service, host and time are shared by every vector in it.
const SUITE = {
  region: "us-east-1",
  service: "service",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  date: new Date(Date.UTC(2015, 7, 30, 12, 36, 0)),
} as const;
const SUITE_CREDENTIAL = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("signAwsRequest()", () => {
  it("matches AWS's published get-vanilla vector, canonical request and string to sign included", () => {
    const r = signAwsRequest({ ...SUITE, method: "GET", url: "https://example.amazonaws.com/" });
    expect(r.canonicalRequest).toBe(
      `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    );
    expect(r.stringToSign).toBe(
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
        createHash("sha256").update(r.canonicalRequest).digest("hex"),
    );
    expect(r.headers["authorization"]).toBe(`${SUITE_CREDENTIAL}5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`);
    expect(r.headers["x-amz-date"]).toBe("20150830T123600Z");
    expect(r.headers["host"]).toBeUndefined(); // the HTTP client sends Host itself
  });

  it("matches the get-vanilla-query-order-key-case vector (query parameters sorted)", () => {
    const r = signAwsRequest({ ...SUITE, method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1" });
    expect(r.headers["authorization"]).toBe(`${SUITE_CREDENTIAL}b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`);
  });

  it("matches the post-vanilla vector (empty body hashed as the empty string)", () => {
    const r = signAwsRequest({ ...SUITE, method: "POST", url: "https://example.amazonaws.com/", body: "" });
    expect(r.headers["authorization"]).toBe(`${SUITE_CREDENTIAL}5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`);
  });

  it("derives the signing key of the suite's scope", () => {
    expect(signingKey(SUITE.credentials.secretAccessKey, "20150830", "us-east-1", "service").toString("hex")).toBe(
      "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75",
    );
  });

  it("signs a Bedrock invoke request exactly as a step-by-step computation in this test does", () => {
    const body = JSON.stringify({ inputText: "hello" });
    const credentials = { accessKeyId: "AKIDBEDROCKTEST", secretAccessKey: "bedrock/secret+KEY", sessionToken: "session-token-1" };
    const url = "https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke";
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const r = signAwsRequest({
      method: "POST",
      url,
      body,
      region: "eu-west-1",
      service: "bedrock",
      credentials,
      date,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
    });

    // Step 1: the canonical request, written out by hand. The colon of the
    // model id is encoded twice in the canonical URI (%3A on the wire, %253A
    // here), as every AWS service but S3 requires.
    const bodyHash = createHash("sha256").update(body).digest("hex");
    const canonical =
      "POST\n" +
      "/model/amazon.titan-embed-text-v2%253A0/invoke\n" +
      "\n" +
      "accept:application/json\n" +
      "content-type:application/json\n" +
      "host:bedrock-runtime.eu-west-1.amazonaws.com\n" +
      "x-amz-date:20240102T030405Z\n" +
      "x-amz-security-token:session-token-1\n" +
      "\n" +
      "accept;content-type;host;x-amz-date;x-amz-security-token\n" +
      bodyHash;
    expect(r.canonicalRequest).toBe(canonical);

    // Step 2: the string to sign.
    const scope = "20240102/eu-west-1/bedrock/aws4_request";
    const stringToSign = `AWS4-HMAC-SHA256\n20240102T030405Z\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
    expect(r.stringToSign).toBe(stringToSign);

    // Step 3: the key chain and the signature.
    const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();
    const key = hmac(hmac(hmac(hmac("AWS4bedrock/secret+KEY", "20240102"), "eu-west-1"), "bedrock"), "aws4_request");
    const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
    expect(r.headers["authorization"]).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDBEDROCKTEST/${scope}, ` +
        `SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=${signature}`,
    );
    expect(r.headers["x-amz-security-token"]).toBe("session-token-1");
    expect(r.headers["content-type"]).toBe("application/json");
  });

  it("includes a non-default port in the signed host", () => {
    const r = signAwsRequest({ ...SUITE, method: "POST", url: "http://127.0.0.1:4567/model/x/invoke", body: "{}" });
    expect(r.canonicalRequest).toContain("\nhost:127.0.0.1:4567\n");
  });
});

describe("SigV4 canonical forms", () => {
  it("encodes path segments once more, keeping slashes", () => {
    expect(canonicalUri("/")).toBe("/");
    expect(canonicalUri("")).toBe("/");
    expect(canonicalUri("/model/cohere.embed-english-v3/invoke")).toBe("/model/cohere.embed-english-v3/invoke");
    expect(canonicalUri("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/invoke")).toBe(
      "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A1%253Ainference-profile%252Fx/invoke",
    );
  });

  it("sorts the query by name then value and encodes both with RFC 3986 rules", () => {
    expect(canonicalQuery("?b=2&a=1&A=0")).toBe("A=0&a=1&b=2");
    expect(canonicalQuery("?x=b&x=a")).toBe("x=a&x=b");
    expect(canonicalQuery("?q=a%20b*c")).toBe("q=a%20b%2Ac");
    expect(canonicalQuery("")).toBe("");
  });

  it("formats the signing time as AWS's basic ISO 8601 form", () => {
    expect(toAmzDate(new Date(Date.UTC(2015, 7, 30, 12, 36, 0, 999)))).toBe("20150830T123600Z");
  });
});
