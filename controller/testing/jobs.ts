import type { StoreApi } from "../src/store/index";
import { writeBatch } from "../src/ingest/writer";
import { baselineWireless } from "../src/jobs/baseline";
import { JobsRepository } from "../src/jobs/repo";
import { buildHello } from "./wire-messages";

/**
 * Two routers, n1 and n2, as the job tests need them: a hello each (with the stations and
 * UCI-jobs capabilities) and an OpenWrt 23.05.3 wireless configuration with the SSID
 * HomeNet (psk2, a key fingerprint, never the key).
 */
export async function seedJobNodes(store: StoreApi, ts: number): Promise<void> {
  await writeBatch(store, ["n1", "n2"].map((node) => ({ kind: "hello" as const, msg: { ...buildHello({ node, ts }), capabilities: ["stations", "uci-jobs"] } })), ts);
  const w = baselineWireless("23.05.3");
  w.interfaces = w.interfaces.map((i) => ({ ...i, ssid: "HomeNet", encryption: "psk2", keyFingerprint: "00112233aabbccdd" }));
  for (const n of ["n1", "n2"]) await new JobsRepository(store).putWireless(n, ts, w);
}
