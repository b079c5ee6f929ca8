import { describe, expect, it } from "vitest";
import { clusterKeys, parseSubject, partitioned, subjects, TELEMETRY_STREAM_SUBJECTS } from "./subjects";
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

  it("partitions telemetry and hellos by node, never job statuses, and parses the partitioned form back", () => {
    expect(partitioned.telemetry(3, "r1")).toBe("mf.p.3.tel.r1");
    expect(partitioned.filter(12)).toBe("mf.p.12.*.*");
    expect(partitioned.mappings(8)).toEqual([
      ["mf.tel.*", "mf.p.{{partition(8,1)}}.tel.{{wildcard(1)}}"],
      ["mf.hello.*", "mf.p.{{partition(8,1)}}.hello.{{wildcard(1)}}"],
    ]);
    expect(partitioned.streamSubjects).toEqual(["mf.p.*.*.*", "mf.jobstatus.*"]);
    expect(parseSubject("mf.p.3.tel.r1")).toEqual({ kind: "telemetry", node: "r1" });
    expect(parseSubject("mf.p.0.hello.gw")).toEqual({ kind: "hello", node: "gw" });
    expect(parseSubject("mf.p.x.tel.r1")).toBeNull();
    expect(() => partitioned.filter(1024)).toThrowError(expect.objectContaining({ code: ERROR_CODES.subjectToken }) as Error);
    expect(clusterKeys.subject(clusterKeys.partition(5))).toBe("$KV.meshfleet-cluster.partition.5");
  });
});
