import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseUciFile, serializeUci, printUciFile, UciError, type UciPackage } from "./format";

/** Any printable value, quotes, backslashes, `;`, `#`, `$(…)` and non-ASCII included. */
const value = fc.string({ unit: fc.oneof(fc.constantFrom("'", '"', "\\", ";", "#", "$", "(", ")", "`", " ", "\t", "é", "ü"), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 24 }).filter((v) => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(v));
const name = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
const type = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);

const pkg: fc.Arbitrary<UciPackage> = fc
  .array(
    fc.record({
      type,
      name: fc.option(name, { nil: null }),
      items: fc.uniqueArray(
        fc.oneof(
          fc.record({ kind: fc.constant("option" as const), name, value }),
          fc.record({ kind: fc.constant("list" as const), name, values: fc.array(value, { minLength: 1, maxLength: 4 }) }),
        ),
        { selector: (i) => i.name, maxLength: 6 },
      ),
    }),
    { maxLength: 6 },
  )
  // Named sections are unique in a package (libuci merges a repeated name).
  .map((sections) => sections.filter((s, i) => s.name === null || sections.findIndex((t) => t.name === s.name) === i))
  .map((sections) => ({ name: null, header: [], sections }));

const plain = (p: UciPackage) => p.sections.map((s) => ({ type: s.type, name: s.name, items: s.items.flatMap((i) => (i.kind === "comment" ? [] : i.kind === "option" ? [[i.name, i.value]] : [[i.name, i.values]])) }));

describe("UCI format properties", () => {
  it("parse(serialize(p)) is p, for any printable values", () => {
    fc.assert(
      fc.property(pkg, (p) => {
        const text = serializeUci(p);
        const back = parseUciFile(text);
        expect(plain(back)).toEqual(plain(p));
        expect(serializeUci(back)).toBe(text);
        expect(printUciFile(back)).toBe(printUciFile(parseUciFile(printUciFile(back))));
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it("never throws anything but E_UCI on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseUciFile(text);
        } catch (e) {
          expect(e).toBeInstanceOf(UciError);
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
