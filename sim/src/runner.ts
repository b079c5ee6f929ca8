import { CommandError, ERROR_CODES } from "@meshfleet/shared";
import type { CommandResult, CommandRunner, RunOptions } from "@meshfleet/shared";
import { FileUciBackend, UciFileRunner } from "@meshfleet/uci";
import { noProtocol, renderBabelNeighbors, renderBirdProtocols, renderBirdRoutes, renderRipInterfaces, renderRipNeighbors, sameRouteText } from "./render/bird";
import { renderIwDev } from "./render/iw-dev";
import { renderMpathDump } from "./render/mpath-dump";
import { renderNftJson } from "./render/nft";
import { renderClient, renderMeshPeer, renderStationDump } from "./render/station-dump";
import { renderHostname, renderIpAddr, renderLoadavg, renderMeminfo, renderUptime } from "./render/system";
import { renderBoard, renderInterfaceDump, renderWirelessStatus } from "./render/ubus";
import { renderSurveyDump } from "./survey";
import { renderLeases } from "./render/leases";
import { diagAnswer } from "./diag";
import { serveIperf } from "./iperf";
import type { SimNode } from "./types";
import { clientViews, pathViews, type RouteView } from "./views";
import type { World } from "./world";

export interface SimulatedRunnerOptions {
  /**
   * How long a command to a rebooting node takes to fail with E_COMMAND_TIMEOUT (ms);
   * default 0 (fail at once). Capped by the call's `timeoutMs`.
   */
  downDelayMs?: number;
  /**
   * When the caller streams output (`onOutput`, remote diagnostics), the pause between the
   * lines of a probing diagnostic (ping, traceroute, iperf3), as a real one prints them
   * over time; default 100 ms.
   */
  diagLineMs?: number;
}

/** Diagnostics whose real output arrives line by line over seconds. */
const PROBING = new Set(["ping", "ping6", "traceroute", "iperf3"]);

const ok = (stdout: string): CommandResult => ({ stdout, stderr: "", exitCode: 0 });
const failed = (stderr: string, exitCode: number): CommandResult => ({ stdout: "", stderr, exitCode });
const UPTIME_MARK = 987_654_321;
const NO_DEVICE = failed("command failed: No such device (-19)\n", 237);

/**
 * A router of the simulated mesh as a CommandRunner: answers the commands the agent
 * runs with the text the real tools print for the world's state at `world.now`.
 * Unknown programs and arguments reject with E_COMMAND_NOT_FOUND, like a missing
 * binary; a rebooting node rejects everything with E_COMMAND_TIMEOUT. With a config
 * root, `uci …`, `cat /etc/config/…` and the reload commands act on the node's UCI files.
 */
export class SimulatedRunner implements CommandRunner {
  readonly description: string;
  readonly #node: SimNode;
  readonly #uci: UciFileRunner | null;
  /** Outputs that only change with the node's configuration, by command (with a key to invalidate). */
  readonly #static = new Map<string, { key: string; text: string }>();
  #dumpParts: string[] | null = null;
  /** The last `birdc show route` text: routes rarely change between cycles. */
  #routeText: { routes: RouteView[]; t: number; text: string } | null = null;

  constructor(
    private readonly world: World,
    nodeId: string,
    private readonly opts: SimulatedRunnerOptions = {},
  ) {
    this.#node = world.node(nodeId);
    this.description = `sim ${nodeId}`;
    const cfg = world.configs?.[this.#node.index];
    this.#uci = cfg ? new UciFileRunner(new FileUciBackend(cfg.dir)) : null;
  }

  async run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
    const w = this.world;
    const node = this.#node;
    if (!w.isUp(node.id)) {
      const delay = Math.min(this.opts.downDelayMs ?? 0, opts?.timeoutMs ?? 5000);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      throw new CommandError(ERROR_CODES.commandTimeout, `${argv.join(" ")}: no answer from ${node.id} (rebooting)`, { argv, exitCode: null, stderr: "" });
    }
    const cfg = w.configs?.[node.index];
    if (this.#uci && cfg && (argv[0] === "uci" || argv[0] === "wifi" || argv[0] === "rm" || argv[0]?.startsWith("/etc/init.d/") || (argv[0] === "cat" && argv[1]?.startsWith("/etc/config/")))) {
      const res = await this.#uci.run(argv, opts);
      cfg.sync(true);
      return res;
    }
    cfg?.sync();
    if (argv[0] === "iperf3" && argv[1] === "-s") {
      const emit = opts?.onOutput;
      return serveIperf(w, node, argv, opts?.timeoutMs ?? 5000, (t) => (emit ? this.stream(t, emit, opts?.timeoutMs ?? 5000) : undefined));
    }
    const out = this.answer(argv);
    if (out === null) throw new CommandError(ERROR_CODES.commandNotFound, `${argv[0] ?? ""}: not found in the simulated router`, { argv, exitCode: 127, stderr: "" });
    if (opts?.onOutput && PROBING.has(argv[0] ?? "")) await this.stream(out.stdout, opts.onOutput, opts.timeoutMs ?? 5000);
    return out;
  }

  /** Hands `text` to `emit` a line at a time, paced like the real command (within the timeout). */
  private async stream(text: string, emit: (t: string) => void, timeoutMs: number): Promise<void> {
    const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    const pause = Math.min(this.opts.diagLineMs ?? 100, Math.floor(timeoutMs / Math.max(1, 2 * lines.length)));
    for (const [i, l] of lines.entries()) {
      if (i > 0 && pause > 0) await new Promise((r) => setTimeout(r, pause));
      emit(l);
    }
  }

  /** Renders once per `key` (board, addresses and radio settings rarely change). */
  private cached(cmd: string, key: string, render: () => string): string {
    const have = this.#static.get(cmd);
    if (have && have.key === key) return have.text;
    const text = render();
    this.#static.set(cmd, { key, text });
    return text;
  }

  private routeText(t: number): string {
    const routes = this.world.viewsAt(this.#node, t).routes;
    const have = this.#routeText;
    if (have && sameRouteText(have.routes, have.t, routes, t)) return have.text;
    const text = renderBirdRoutes(routes, t);
    this.#routeText = { routes, t, text };
    return text;
  }

  /** The output for argv, or null when the command does not exist on the node. */
  private answer(argv: readonly string[]): CommandResult | null {
    const w = this.world;
    const node = this.#node;
    const t = w.now;
    const m = w.model;
    const cmd = argv.join(" ");
    switch (cmd) {
      case "iw dev":
        return ok(renderIwDev(node, m.wireless.ssid));
      case "iw dev mesh0 station dump":
        return ok(renderStationDump(w.viewsAt(node, t).peers.map((p) => renderMeshPeer(p, "mesh0"))));
      case "iw dev wlan0 station dump":
        return ok(renderStationDump(clientViews(w, node, t).map((c) => renderClient(c, "wlan0"))));
      case "iw dev mesh0 mpath dump":
        return ok(renderMpathDump(pathViews(w, node, t), "mesh0"));
      case "iw dev mesh0 survey dump":
        return ok(renderSurveyDump(w, node, "mesh0", t));
      case "iw dev wlan0 survey dump":
        return ok(renderSurveyDump(w, node, "wlan0", t));
      case "iw dev wlan0 mpath dump":
        return failed("command failed: Operation not supported (-95)\n", 161);
      case "birdc show protocols":
        return ok(renderBirdProtocols(node, t));
      case "birdc show rip neighbors":
        return node.routing === "rip" ? ok(renderRipNeighbors(node, w.viewsAt(node, t).neighbors)) : ok(noProtocol("RIP"));
      case "birdc show rip interfaces":
        return node.routing === "rip" ? ok(renderRipInterfaces(node, w.viewsAt(node, t).neighbors, t)) : ok(noProtocol("RIP"));
      case "birdc show babel neighbors":
        return node.routing === "babel" ? ok(renderBabelNeighbors(node, w.viewsAt(node, t).neighbors)) : { stdout: noProtocol("Babel"), stderr: "", exitCode: 1 };
      case "birdc show route":
        return ok(this.routeText(t));
      case "nft -j list ruleset":
        return ok(renderNftJson(node, t, m.seed));
      case "ubus call system board":
        return ok(this.cached(cmd, "", () => renderBoard(node)));
      case "ubus call network.wireless status":
        return ok(this.cached(cmd, `${node.meshChannel}/${node.meshId}/${node.apChannel}`, () => renderWirelessStatus(m, node, true)));
      case "ubus call network.interface dump": {
        // Only the interfaces' uptime moves: render once with a marker and fill it in.
        this.#dumpParts ??= renderInterfaceDump(m, node, node.bootAt + (UPTIME_MARK + 8) * 1000).split(String(UPTIME_MARK));
        return ok(this.#dumpParts.join(String(Math.max(0, Math.floor((t - node.bootAt) / 1000) - 8))));
      }
      case "cat /tmp/dhcp.leases":
        return node.gateway ? ok(renderLeases(m, node, t)) : failed("cat: can't open '/tmp/dhcp.leases': No such file or directory\n", 1);
      case "cat /proc/uptime":
        return ok(renderUptime(node, t));
      case "cat /proc/loadavg":
        return ok(renderLoadavg(node, t, m.seed));
      case "cat /proc/meminfo":
        return ok(renderMeminfo(node, t, m.seed));
      case "cat /proc/sys/kernel/hostname":
        return ok(renderHostname(node));
      case "ip -j addr show":
        return ok(this.cached(cmd, "", () => renderIpAddr(m, node)));
    }
    if (argv[0] === "iw" && argv[1] === "dev" && (argv[3] === "station" || argv[3] === "mpath" || argv[3] === "survey") && argv[4] === "dump") return NO_DEVICE;
    if (argv[0] === "ubus" && argv[1] === "call") return failed("Command failed: Not found\n", 4);
    return diagAnswer(w, node, argv);
  }
}
