import { collectAll, type CollectContext, type Collection } from "@meshfleet/agent";
import type { CommandResult, CommandRunner, RunOptions } from "@meshfleet/shared";

/** One routing-daemon read as the agent got it: when it started and ended, what it printed. */
export interface RecordedRead {
  node: string;
  argv: string[];
  start: number;
  end: number;
  exitCode: number | null;
  stdout: string;
}

/**
 * One agent cycle whose routing section came back: the snapshot's stamp, and when the
 * daemon was read (its first read's start to its last read's end). What the snapshot says
 * about the routing table was true at some moment in [readStart, readEnd].
 */
export interface Observation {
  node: string;
  ts: number;
  readStart: number;
  readEnd: number;
}

const DAEMON_CLIENTS = new Set(["birdc", "birdc6", "socat"]);

/**
 * What the agents really did, for the referee: every read of the routing daemon (its
 * control client: `birdc`, `birdc6`, babeld's socket through socat) with its output, and
 * every cycle whose routing section came back. On a loaded machine a cycle's reads come
 * seconds after its stamp and cycles drift apart; the referee judges by these times, not
 * by the nominal interval.
 */
export class LabObserver {
  readonly reads: RecordedRead[] = [];
  readonly observations: Observation[] = [];

  /** The agent's runner for `node`, keeping the daemon's answers. */
  runner(node: string, inner: CommandRunner): CommandRunner {
    const into = this.reads;
    return {
      description: inner.description,
      async run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
        const start = Date.now();
        const keep = DAEMON_CLIENTS.has(argv[0] ?? "");
        try {
          const r = await inner.run(argv, opts);
          if (keep) into.push({ node, argv: [...argv], start, end: Date.now(), exitCode: r.exitCode, stdout: r.stdout });
          return r;
        } catch (err) {
          if (keep) into.push({ node, argv: [...argv], start, end: Date.now(), exitCode: null, stdout: String(err) });
          throw err;
        }
      },
    };
  }

  /** The agent's collector for `node`: the real one (collectAll), its cycles noted. */
  collect(node: string): (ctx: CollectContext) => Promise<Collection> {
    return async (ctx) => {
      // The agent stamps the snapshot just before it calls its collector.
      const ts = Date.now();
      const c = await collectAll(ctx);
      const mine = this.reads.filter((r) => r.node === node && r.start >= ts);
      if (c.sections.routing.data !== null && mine.length > 0) {
        this.observations.push({ node, ts, readStart: Math.min(...mine.map((r) => r.start)), readEnd: Math.max(...mine.map((r) => r.end)) });
      }
      return c;
    };
  }
}
