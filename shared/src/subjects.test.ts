import { describe, expect, it } from "vitest";
import { parseSubject, subjects, TELEMETRY_STREAM_SUBJECTS } from "./subjects";
import { ERROR_CODES } from "./errors";

describe("subjects", () => {
  it("builds one subject per kind with the node as last token", () => {
    expect(subjects.telemetry("r1")).toBe("mf.tel.r1");
    expect(subjects.hello("gw-attic")).toBe("mf.hello.gw-attic");
    expect(subjects.job("r_2")).toBe("mf.job.r_2");
    expect(subjects.jobStatus("r2")).toBe("mf.jobstatus.r2");
    expect(subjects.alert("route_flapping")).toBe("mf.alert.route_flapping");
    expect(TELEMETRY_STREAM_SUBJECTS).toEqual(["mf.tel.*", "mf.hello.*", "mf.jobstatus.*"]);
  });

  it.each(["", "R1", "a.b", "a*", ">", "a b", "-lead", "x".repeat(64), "ü"])("refuses the token %j", (bad) => {
    expect(() => subjects.telemetry(bad)).toThrowError(expect.objectContaining({ code: ERROR_CODES.subjectToken }) as Error);
  });

  it("parses subjects back, and refuses foreign ones", () => {
    expect(parseSubject("mf.tel.r1")).toEqual({ kind: "telemetry", node: "r1" });
    expect(parseSubject("mf.jobstatus.r9")).toEqual({ kind: "jobStatus", node: "r9" });
    expect(parseSubject("mf.tel.R1")).toBeNull();
    expect(parseSubject("mf.tel.r1.extra")).toBeNull();
    expect(parseSubject("other.tel.r1")).toBeNull();
  });
});
