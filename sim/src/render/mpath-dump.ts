import type { PathView } from "../views";

/**
 * `iw dev IF mpath dump` as iw ≥ 4.19 prints it: the header (with the double tab after
 * EXPTIME), then per path `DEST NEXT IFACE` separated by spaces and the numbers by tabs,
 * FLAGS in hex, HOP_COUNT and PATH_CHANGE last.
 */
export const MPATH_HEADER = "DEST ADDR         NEXT HOP          IFACE\tSN\tMETRIC\tQLEN\tEXPTIME\t\tDTIM\tDRET\tFLAGS\tHOP_COUNT\tPATH_CHANGE\n";

export function renderMpathDump(paths: PathView[], iface: string): string {
  const out = [MPATH_HEADER];
  for (const p of paths) {
    out.push(`${p.dest.macs.mesh} ${p.next.macs.mesh} ${iface}\t${p.sn}\t${p.metric}\t0\t${p.exptime}\t${p.dtim}\t${p.dret}\t0x${p.flags.toString(16)}\t${p.hops}\t${p.pathChange}\n`);
  }
  return out.join("");
}
