import { Command } from "commander";
import { z } from "zod";
import { toWireError } from "@meshfleet/shared";
import { startDemo } from "./index";

const flags = z.object({
  nats: z.string().regex(/^(nats|tls):\/\/\S+$/, "--nats takes a URL such as nats://127.0.0.1:4222").optional(),
  data: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  nodes: z.coerce.number().int().min(2).max(500).optional(),
  interval: z.coerce.number().int().min(500).max(60_000),
});

/** `npm run demo [-- --nats URL --data DIR --port N --nodes N --interval MS]`: runs until Ctrl-C. */
async function main(argv: string[]): Promise<void> {
  const program = new Command("meshfleet-demo")
    .description("meshfleet demo: nats-server + controller + a simulated OpenWrt mesh, with the dashboard")
    .option("--nats <url>", "use this NATS broker (JetStream on) instead of starting nats-server")
    .option("--data <dir>", "data directory (SQLite file, broker store, routers' UCI files)", ".demo-data")
    .option("--port <port>", "dashboard/API port (a free one if busy)", "8080")
    .option("--nodes <n>", "simulated routers (default 7)")
    .option("--interval <ms>", "agents' collection interval", "5000")
    .showHelpAfterError();
  program.parse(argv);
  const parsed = flags.safeParse(program.opts());
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${i?.path.join(".") ?? "flags"}: ${i?.message ?? "invalid"}`);
  }
  const f = parsed.data;
  const demo = await startDemo({ dataDir: f.data, port: f.port, intervalMs: f.interval, ...(f.nats ? { natsUrl: f.nats } : {}), ...(f.nodes ? { nodes: f.nodes } : {}) });
  process.stdout.write(
    [
      "",
      "meshfleet demo is running.",
      `  dashboard: ${demo.url}`,
      demo.token ? `  API token (admin): ${demo.token}` : "",
      `  API:       ${demo.url.split("?")[0]}api/nodes   (OpenAPI: /api/openapi.json)`,
      "  Within the first minutes: a link degrades (mesh path relayed, then direct again), a node's default",
      "  route flaps (route_flapping alert opens, then resolves), stations roam, a node reboots ([sim] lines name them).",
      "  Ctrl-C stops everything the demo started.",
      "",
    ]
      .filter((l) => l !== "")
      .join("\n") + "\n",
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  process.stdout.write("stopping ...\n");
  await demo.stop();
}

main(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`meshfleet demo: ${toWireError(err).message}\n`);
    process.exit(1);
  },
);
