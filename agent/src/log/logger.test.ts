import { describe, expect, it } from "vitest";
import { createLogger, prettyLine } from "./logger";

describe("createLogger", () => {
  it("writes one JSON line per event with bindings, and redacts secrets", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", pretty: false, write: (l) => lines.push(l) }).child({ node: "r1" });
    log.debug({ event: "cycle" }, "hidden at info");
    log.info({ event: "start", password: "hunter2", nats: { password: "s3cret" } }, "agent started");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    const o = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(o).toMatchObject({ level: 30, node: "r1", event: "start", msg: "agent started", password: "[redacted]", nats: { password: "[redacted]" } });
    expect(lines[0]).not.toContain("hunter2");
    expect(lines[0]).not.toContain("s3cret");
  });

  it("renders readable lines for a terminal", () => {
    const line = prettyLine(JSON.stringify({ level: 40, time: Date.UTC(2026, 10, 23, 6, 51, 2, 123), pid: 1, msg: "broker unreachable; buffering", node: "r1", buffered: 3 }));
    expect(line).toBe("06:51:02.123 WARN  broker unreachable; buffering node=r1 buffered=3\n");
  });
});
