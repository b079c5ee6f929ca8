import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { connect, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { partitioned, subjects, TELEMETRY_STREAM } from "@meshfleet/shared";
import { partitionOf } from "@meshfleet/controller";
import { CONTROLLER_KEY, enroll, nodeInboxPrefix } from "@meshfleet/controller/enroll";
import { startNatsServer, tempDir, waitFor, type RunningNatsServer } from "@meshfleet/testkit";
import { controllerCli, repoRoot } from "../controller-helpers";

const run = promisify(execFile);
const PARTITIONS = 4;

/**
 * `nats-config --partitions N` for several controllers: the count is remembered in the keys
 * directory, so a node enrolled later (which rewrites the accounts file and reloads the
 * broker) has its telemetry stored under its partition like the others.
 */
describe("nats-config --partitions through the CLI", () => {
  const dir = tempDir("mf-partitions-cli-");
  const keys = join(dir.path, "keys");
  let srv: RunningNatsServer | null = null;
  const opened: NatsConnection[] = [];
  afterAll(async () => {
    for (const nc of opened) await nc.close().catch(() => undefined);
    await srv?.dispose();
    dir.cleanup();
  });
  const cli = (...args: string[]) => run(process.execPath, [...controllerCli, ...args], { cwd: repoRoot, encoding: "utf8" });
  const seedOf = (node: string) => new TextEncoder().encode(readFileSync(join(keys, `${node}.nk`), "utf8").trim());
  const storedUnderPartition = async (ctl: NatsConnection, node: string) => {
    const jsm = await jetstreamManager(ctl);
    const m = await jsm.streams.getMessage(TELEMETRY_STREAM, { last_by_subj: partitioned.telemetry(partitionOf(node, PARTITIONS), node) }).catch(() => null);
    return m?.string() ?? null;
  };

  it("refuses a count it cannot use, with the reason", async () => {
    enroll(keys, "n1");
    const refused = await cli("nats-config", "--keys", keys, "--out", join(dir.path, "x.conf"), "--partitions", "0").then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(JSON.parse(refused!.stderr.replace(/^meshfleet-controller: /, ""))).toEqual({ code: "E_CONFIG", message: '--partitions: expected a partition count from 1 to 1024 or "none", got "0"' });
  });

  it("writes partitioned accounts, and a node enrolled afterwards with a broker reload gets its partition too", async () => {
    for (const n of ["n1", "n2", "n3"]) enroll(keys, n);
    enroll(keys, CONTROLLER_KEY);
    let accountsFile = "";
    let pidFile = "";
    let wrote = "";
    srv = await startNatsServer({
      // nats-server includes files relative to its configuration: the accounts file goes beside it
      fullConfig: ({ port, storeDir }) => {
        accountsFile = join(dirname(storeDir), "meshfleet-auth.conf");
        pidFile = join(dirname(storeDir), "nats.pid");
        wrote = execFileSync(process.execPath, [...controllerCli, "nats-config", "--keys", keys, "--out", accountsFile, "--partitions", String(PARTITIONS)], { cwd: repoRoot, encoding: "utf8" });
        return [`listen: "127.0.0.1:${port}"`, `jetstream { store_dir: "${storeDir}" }`, `pid_file: "${pidFile}"`, `include "meshfleet-auth.conf"`].join("\n");
      },
    });
    expect(wrote).toContain("3 node user(s) + the controller");
    expect(wrote).toContain(`telemetry in ${PARTITIONS} partitions (serve --cluster-partitions ${PARTITIONS})`);
    const ctl = await connect({ servers: srv.url, authenticator: nkeyAuthenticator(seedOf(CONTROLLER_KEY)) });
    opened.push(ctl);
    await (await jetstreamManager(ctl)).streams.add({ name: TELEMETRY_STREAM, subjects: [...partitioned.streamSubjects] });

    const e = await cli("enroll", "n4", "--keys", keys, "--nats-config", accountsFile, "--nats-pid-file", pidFile);
    expect(e.stdout).toContain("wrote");
    expect(readFileSync(accountsFile, "utf8")).toContain(partitioned.telemetry(partitionOf("n4", PARTITIONS), "n4"));

    for (const node of ["n2", "n4"]) {
      // the reload is asynchronous: n4's user exists once the broker has read the new file
      const nc = await waitFor(() => connect({ servers: srv!.url, authenticator: nkeyAuthenticator(seedOf(node)), inboxPrefix: nodeInboxPrefix(node), reconnect: false }), { what: `${node} admitted` });
      opened.push(nc);
      await jetstream(nc).publish(subjects.telemetry(node), JSON.stringify({ probe: node }));
      expect(await storedUnderPartition(ctl, node)).toBe(JSON.stringify({ probe: node }));
    }
  });
});
