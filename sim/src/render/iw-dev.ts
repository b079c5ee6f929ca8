import { center80, channelFreq } from "../radio";
import type { SimNode } from "../types";

/**
 * `iw dev` as iw 5.x prints it on OpenWrt: one `phy#N` block per radio, interfaces
 * indented by one tab, their attributes by two. The 5 GHz mesh radio (phy1, `mesh0`,
 * type `mesh point`) comes first, as the kernel dumps the newest wiphy first. A mesh
 * interface that has not joined a mesh (no mesh id) shows no channel.
 */
export function renderIwDev(node: SimNode, ssid: string): string {
  const meshFreq = channelFreq(node.meshChannel);
  const apFreq = channelFreq(node.apChannel);
  const meshChannel = node.meshId ? `\t\tchannel ${node.meshChannel} (${meshFreq} MHz), width: 80 MHz, center1: ${center80(node.meshChannel)} MHz\n` : "";
  return (
    "phy#1\n" +
    "\tInterface mesh0\n" +
    "\t\tifindex 12\n" +
    "\t\twdev 0x100000002\n" +
    `\t\taddr ${node.macs.mesh}\n` +
    "\t\ttype mesh point\n" +
    meshChannel +
    "\t\ttxpower 23.00 dBm\n" +
    "phy#0\n" +
    "\tInterface wlan0\n" +
    "\t\tifindex 11\n" +
    "\t\twdev 0x2\n" +
    `\t\taddr ${node.macs.ap}\n` +
    `\t\tssid ${ssid}\n` +
    "\t\ttype AP\n" +
    `\t\tchannel ${node.apChannel} (${apFreq} MHz), width: 20 MHz, center1: ${apFreq} MHz\n` +
    "\t\ttxpower 20.00 dBm\n"
  );
}
