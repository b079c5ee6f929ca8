import { bitrateText } from "../radio";
import type { ClientView, PeerView } from "../views";

/**
 * `iw dev IF station dump` as iw 5.x prints it (OpenWrt 21.02/22.03): a `Station MAC
 * (on IF)` line, then tab-indented `name:<TAB>value` fields in iw's order — counters,
 * signal with per-chain values, bitrates, expected throughput (printed with iw's
 * `%u.%u`, so 31050 kbit/s shows as `31.50Mbps`), mesh peering fields, flags, BSS
 * parameters, connected time.
 */

function throughput(kbps: number): string {
  const thr = Math.floor((kbps * 1000) / 1024);
  return `${Math.floor(thr / 1000)}.${thr % 1000}Mbps`;
}

function common(v: PeerView | ClientView): string {
  return (
    `\n\tinactive time:\t${v.inactiveMs} ms` +
    `\n\trx bytes:\t${v.rxBytes}` +
    `\n\trx packets:\t${v.rxPackets}` +
    `\n\ttx bytes:\t${v.txBytes}` +
    `\n\ttx packets:\t${v.txPackets}` +
    `\n\ttx retries:\t${v.txRetries}` +
    `\n\ttx failed:\t${v.txFailed}` +
    `\n\trx drop misc:\t${Math.floor(v.rxPackets / 97)}` +
    `\n\tsignal:  \t${v.signal} [${v.chains[0]}, ${v.chains[1]}] dBm` +
    `\n\tsignal avg:\t${v.signalAvg} [${v.signalAvg - 2}, ${v.signalAvg - 3}] dBm`
  );
}

const FLAGS = "\n\tauthorized:\tyes\n\tauthenticated:\tyes\n\tassociated:\tyes\n\tpreamble:\tlong\n\tWMM/WME:\tyes\n\tMFP:\t\tyes\n\tTDLS peer:\tno\n\tDTIM period:\t2\n\tbeacon interval:100";
const CLIENT_FLAGS = FLAGS.replace("MFP:\t\tyes", "MFP:\t\tno");

/** One mesh peer block. */
export function renderMeshPeer(v: PeerView, iface: string): string {
  return (
    `Station ${v.peer.macs.mesh} (on ${iface})` +
    common(v) +
    `\n\tToffset:\t${(v.link.id * 7919 + 1_000_003) % 9_999_999_999} us` +
    `\n\ttx bitrate:\t${bitrateText(v.tx)}` +
    `\n\trx bitrate:\t${bitrateText(v.rx)}` +
    `\n\trx duration:\t${v.rxPackets * 180} us` +
    `\n\tlast ack signal:${v.signal - 1} dBm` +
    `\n\texpected throughput:\t${throughput(v.throughputKbps)}` +
    `\n\tmesh llid:\t${v.llid}` +
    `\n\tmesh plid:\t${v.plid}` +
    "\n\tmesh plink:\tESTAB" +
    `\n\tmesh airtime link metric: ${v.airtime}` +
    "\n\tmesh connected to gate:\tno" +
    "\n\tmesh local PS mode:\tACTIVE\n\tmesh peer PS mode:\tACTIVE\n\tmesh non-peer PS mode:\tACTIVE" +
    FLAGS +
    "\n\tshort slot time:yes" +
    `\n\tconnected time:\t${v.connectedSec} seconds\n`
  );
}

/** One AP client block. */
export function renderClient(v: ClientView, iface: string): string {
  return (
    `Station ${v.station.mac} (on ${iface})` +
    common(v) +
    `\n\ttx bitrate:\t${bitrateText(v.tx)}` +
    `\n\trx bitrate:\t${bitrateText(v.rx)}` +
    `\n\trx duration:\t${v.rxPackets * 95} us` +
    `\n\tlast ack signal:${v.signal} dBm` +
    "\n\tairtime weight: 256" +
    CLIENT_FLAGS +
    "\n\tshort slot time:yes" +
    `\n\tconnected time:\t${v.connectedSec} seconds\n`
  );
}

export function renderStationDump(blocks: string[]): string {
  return blocks.join("");
}
