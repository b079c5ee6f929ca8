import { z } from "zod";
import { uciValue, type UciOp } from "@meshfleet/shared";
import { bandOfChannel, hwmodeOf, isDfsChannel, radioBand, usesBand } from "../release";
import { networkName, setOp, wpaKey } from "./common";
import type { Issue, JobTemplate } from "./types";

const HTMODES = ["HT20", "HT40", "VHT20", "VHT40", "VHT80", "VHT160", "HE20", "HE40", "HE80", "HE160"] as const;

export const meshParams = z.strictObject({
  mesh_id: z.pipe(uciValue, z.string().min(1, "mesh_id must not be empty").max(32, "mesh_id is at most 32 characters")),
  /** SAE passphrase shared by every mesh node. */
  key: wpaKey.pipe(z.string().max(63, "the SAE key is 8–63 characters")),
  /** One channel for all mesh nodes. */
  channel: z.number().int(),
  htmode: z.enum(HTMODES).optional(),
  network: networkName.default("lan"),
  /** Allow a DFS channel (52–144): nodes drop out of the mesh when radar moves them. */
  force: z.boolean().default(false),
  /** The wifi-iface section to create or update. */
  section: z.string().regex(/^[A-Za-z0-9_]{1,32}$/, "section is a UCI section name").default("mesh"),
});
export type MeshParams = z.infer<typeof meshParams>;

const VALID_CHANNELS = new Set([...Array.from({ length: 14 }, (_, i) => i + 1), 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 96, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 144, 149, 153, 157, 161, 165, 169, 173, 177]);

/** An 802.11s mesh interface with SAE on the radio of the channel's band, the same channel on every node. */
export const meshTemplate: JobTemplate<MeshParams> = {
  name: "mesh",
  description: "802.11s mesh interface (mesh id, SAE key, one channel for all mesh nodes)",
  params: meshParams,
  secretParams: ["key"],
  validate(p) {
    const issues: Issue[] = [];
    if (p.channel === undefined) return issues;
    if (!VALID_CHANNELS.has(p.channel)) issues.push({ path: "params.channel", message: `channel ${p.channel} is not a 2.4 or 5 GHz Wi-Fi channel` });
    else if (isDfsChannel(p.channel) && p.force !== true) {
      issues.push({ path: "params.channel", message: `channel ${p.channel} is a DFS channel (52–144): mesh nodes drop out when radar is detected; use a non-DFS channel or set force` });
    }
    if (p.htmode !== undefined && bandOfChannel(p.channel) === "2g" && /80|160/.test(p.htmode)) {
      issues.push({ path: "params.htmode", message: `${p.htmode} is not available on 2.4 GHz` });
    }
    return issues;
  },
  render(p, node) {
    const band = bandOfChannel(p.channel);
    const radio = node.wireless.radios.find((r) => radioBand(r) === band);
    if (radio === undefined) return { skip: `no ${band === "2g" ? "2.4" : "5"} GHz radio` };
    const ops: UciOp[] = [
      setOp("wireless", radio.name, "channel", String(p.channel)),
      usesBand(node.release) ? setOp("wireless", radio.name, "band", band) : setOp("wireless", radio.name, "hwmode", hwmodeOf(band)),
    ];
    if (p.htmode !== undefined) ops.push(setOp("wireless", radio.name, "htmode", p.htmode));
    ops.push({ op: "section", config: "wireless", section: p.section, type: "wifi-iface" });
    const set = (o: string, v: string) => ops.push(setOp("wireless", p.section, o, v));
    set("device", radio.name);
    set("mode", "mesh");
    set("mesh_id", p.mesh_id);
    set("encryption", "sae");
    set("key", p.key);
    set("network", p.network);
    set("mesh_fwding", "1");
    return { ops, reloads: ["wifi"] };
  },
};
