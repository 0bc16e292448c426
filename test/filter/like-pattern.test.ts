import { describe, expect, test } from "vitest";
import { compileLike } from "../../src/filter/like-pattern.js";

const like = (pattern: string, escape = "\\") => compileLike(pattern, { caseInsensitive: false, escape });
const ilike = (pattern: string) => compileLike(pattern, { caseInsensitive: true, escape: "\\" });

describe("compileLike()", () => {
  test("picks a byte fast path for exact, prefix, suffix and contains patterns", () => {
    expect(like("abc").shape).toBe("exact");
    expect(like("abc%").shape).toBe("prefix");
    expect(like("%abc").shape).toBe("suffix");
    expect(like("%abc%").shape).toBe("contains");
    expect(like("%%").shape).toBe("all");
    expect(like("a%c").shape).toBe("regexp");
    expect(like("a_c").shape).toBe("regexp");
    expect(ilike("abc%").shape).toBe("regexp");
  });

  test("% matches any run of characters, including none", () => {
    const m = like("a%c");
    expect(["ac", "abc", "a\nxyzc"].map(m.test)).toEqual([true, true, true]);
    expect(["ab", "xac", "acx"].map(m.test)).toEqual([false, false, false]);
  });

  test("_ matches exactly one character, also outside the BMP", () => {
    const m = like("a_c");
    expect(["abc", "a😀c", "a\nc"].map(m.test)).toEqual([true, true, true]);
    expect(["ac", "abbc"].map(m.test)).toEqual([false, false]);
  });

  test("the escape character makes % and _ literal", () => {
    expect(like("50\\%").test("50%")).toBe(true);
    expect(like("50\\%").test("500")).toBe(false);
    expect(like("a\\_b%").test("a_bc")).toBe(true);
    expect(like("a\\_b%").test("axbc")).toBe(false);
    expect(like("a!%", "!").test("a%")).toBe(true);
    expect(like("a\\%", "!").test("a\\xyz")).toBe(true);
  });

  test("regular expression characters in the pattern are literal", () => {
    expect(like("a.c%").test("a.cd")).toBe(true);
    expect(like("a.c_").test("abcd")).toBe(false);
    expect(like("(x)[y]{2}$^|+?*/_").test("(x)[y]{2}$^|+?*/z")).toBe(true);
  });

  test("ILIKE ignores case", () => {
    expect(ilike("ab%").test("ABC")).toBe(true);
    expect(ilike("%É").test("café")).toBe(true);
    expect(like("ab%").test("ABC")).toBe(false);
  });

  test("an empty pattern matches only the empty string", () => {
    expect(like("").test("")).toBe(true);
    expect(like("").test("a")).toBe(false);
  });
});
