import type { CommandResult } from "@meshfleet/shared";
import type { SimNode } from "./types";
import type { World } from "./world";

/** An `iperf3 -s -1` waiting on a node for its one client. */
interface Listener {
  /** A client connected and sent for these seconds; `text` is what the server prints about it. */
  connect(text: string): void;
}

const listening = new WeakMap<World, Map<number, Listener>>();

const LINE = "-----------------------------------------------------------\n";

/** The server waiting on `node`, taken (one client each), or null: the client is refused. */
export function takeListener(w: World, node: SimNode): Listener | null {
  const l = listening.get(w)?.get(node.index) ?? null;
  if (l) listening.get(w)!.delete(node.index);
  return l;
}

/**
 * `iperf3 -s -1 … --idle-timeout N` on a simulated node: prints that it listens, waits for
 * one client (an `iperf3 -c` from another node of the world) or gives up after the idle
 * timeout (capped by the call's timeout), then prints the client's test as the receiver
 * saw it and exits, as iperf3's one-off server does.
 */
export async function serveIperf(w: World, node: SimNode, argv: readonly string[], timeoutMs: number, emit: (text: string) => Promise<void> | void): Promise<CommandResult> {
  const port = argv[argv.indexOf("-p") + 1] ?? "5201";
  const idleSec = Number(argv[argv.indexOf("--idle-timeout") + 1] ?? 0) || Infinity;
  const byNode = listening.get(w) ?? new Map<number, Listener>();
  listening.set(w, byNode);
  if (byNode.has(node.index)) return { stdout: "", stderr: `iperf3: error - unable to start listener for connections: Address already in use\n`, exitCode: 1 };
  // Listening before it says so: a client sent on the first line finds it.
  let out = `${LINE}Server listening on ${port} (test #1)\n${LINE}`;
  const text = new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => {
      byNode.delete(node.index);
      resolve(null);
    }, Math.min(idleSec * 1000, timeoutMs));
    byNode.set(node.index, {
      connect: (t) => {
        clearTimeout(timer);
        resolve(t);
      },
    });
  });
  await emit(out);
  const got = await text;
  if (got === null) return { stdout: out, stderr: "", exitCode: 0 };
  out += got;
  await emit(got);
  return { stdout: out, stderr: "", exitCode: 0 };
}
