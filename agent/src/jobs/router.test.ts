import { describe, expect, it } from "vitest";
import { CommandError, ERROR_CODES } from "@meshfleet/shared";
import type { CommandResult, CommandRunner } from "../runner/types";
import { countPeersByCollecting } from "./router";

const IW_DEV = `phy#0
\tInterface mesh0
\t\tifindex 9
\t\twdev 0x2
\t\taddr 02:00:00:00:01:01
\t\ttype mesh point
\t\tchannel 36 (5180 MHz), width: 80 MHz, center1: 5210 MHz
\t\ttxpower 20.00 dBm
`;

const peer = (mac: string, plink: string) => `Station ${mac} (on mesh0)
\tinactive time:\t40 ms
\trx bytes:\t1000
\ttx bytes:\t2000
\tsignal:  \t-52 dBm
\tmesh llid:\t100
\tmesh plid:\t200
\tmesh plink:\t${plink}
`;

function runner(outputs: Record<string, string>): CommandRunner {
  return {
    description: "fake",
    run(argv): Promise<CommandResult> {
      const out = outputs[argv.join(" ")];
      if (out === undefined) return Promise.reject(new CommandError(ERROR_CODES.commandNotFound, `${argv[0]}: not found`, { argv, exitCode: null, stderr: "" }));
      return Promise.resolve({ stdout: out, stderr: "", exitCode: 0 });
    },
  };
}

describe("countPeersByCollecting", () => {
  it("counts established mesh peer links; no routing daemon means no neighbours", async () => {
    const r = runner({ "iw dev": IW_DEV, "iw dev mesh0 station dump": peer("02:00:00:00:02:01", "ESTAB") + peer("02:00:00:00:03:01", "LISTEN") + peer("02:00:00:00:04:01", "ESTAB") });
    expect(await countPeersByCollecting({ runner: r, timeoutMs: 1000, routing: "auto", memo: {} })).toEqual({ meshPeers: 2, neighbors: 0 });
  });
});
