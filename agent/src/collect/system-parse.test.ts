import { describe, expect, it } from "vitest";
import { parseDelegatedPrefixes, parseHostname, parseIpJson, parseIpText, parseLoadavg, parseMeminfo, parseUptime } from "./system-parse";

const IP_JSON = JSON.stringify([
  { ifindex: 1, ifname: "lo", link_type: "loopback", address: "00:00:00:00:00:00", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host" }] },
  {
    ifindex: 7,
    ifname: "br-lan",
    link_type: "ether",
    address: "94:83:C4:12:34:56",
    addr_info: [
      { family: "inet", local: "192.168.1.1", prefixlen: 24, scope: "global" },
      { family: "inet6", local: "fd12:3456::1", prefixlen: 60, scope: "global" },
      { family: "inet6", local: "fe80::9683:c4ff:fe12:3456", prefixlen: 64, scope: "link" },
    ],
  },
  { ifindex: 9, ifname: "mesh0", link_type: "ether", address: "96:83:c4:12:34:57", addr_info: [] },
]);

const IP_TEXT = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
12: wlan0@phy0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq master br-lan state UP qlen 1000
    link/ether 94:83:c4:aa:bb:cc brd ff:ff:ff:ff:ff:ff
    inet6 fe80::9683:c4ff:feaa:bbcc/64 scope link
       valid_lft forever preferred_lft forever
    inet6 2001:db8:1200:10::1/64 scope global dynamic noprefixroute
`;

describe("system facts readers", () => {
  it("reads /proc/uptime, loadavg, meminfo and the hostname", () => {
    expect(parseUptime("350735.47 234388.90\n")).toBe(350735.47);
    expect(parseUptime("garbage")).toBeNull();
    expect(parseLoadavg("0.08 0.03 0.01 1/61 1234\n")).toEqual([0.08, 0.03, 0.01]);
    expect(parseLoadavg("0.08 x")).toBeNull();
    expect(parseMeminfo("MemTotal:         124360 kB\nMemFree:           60184 kB\nMemAvailable:      41040 kB\nBuffers: 1 kB\n")).toEqual({
      totalKb: 124360,
      freeKb: 60184,
      availableKb: 41040,
    });
    expect(parseMeminfo("MemTotal: 28000 kB\nMemFree: 1000 kB\n")).toEqual({ totalKb: 28000, freeKb: 1000, availableKb: null });
    expect(parseMeminfo("")).toBeNull();
    expect(parseHostname("OpenWrt-r1\n")).toBe("OpenWrt-r1");
    expect(parseHostname("\n")).toBeNull();
  });

  it("reads `ip -j addr show`: addresses with scope, link MACs lower-cased, no loopback MAC", () => {
    const r = parseIpJson(IP_JSON);
    expect(r?.links).toEqual([
      { name: "lo", mac: null },
      { name: "br-lan", mac: "94:83:c4:12:34:56" },
      { name: "mesh0", mac: "96:83:c4:12:34:57" },
    ]);
    expect(r?.addresses).toEqual([
      { iface: "lo", address: "127.0.0.1", prefixLen: 8, family: "inet", scope: "host" },
      { iface: "br-lan", address: "192.168.1.1", prefixLen: 24, family: "inet", scope: "global" },
      { iface: "br-lan", address: "fd12:3456::1", prefixLen: 60, family: "inet6", scope: "global" },
      { iface: "br-lan", address: "fe80::9683:c4ff:fe12:3456", prefixLen: 64, family: "inet6", scope: "link" },
    ]);
    expect(parseIpJson("Option \"-j\" is unknown")).toBeNull();
  });

  it("reads the text form of `ip addr show` (busybox)", () => {
    const r = parseIpText(IP_TEXT);
    expect(r.links).toEqual([
      { name: "lo", mac: null },
      { name: "wlan0", mac: "94:83:c4:aa:bb:cc" },
    ]);
    expect(r.addresses.map((a) => `${a.iface} ${a.address}/${a.prefixLen} ${a.scope}`)).toEqual([
      "lo 127.0.0.1/8 host",
      "wlan0 fe80::9683:c4ff:feaa:bbcc/64 link",
      "wlan0 2001:db8:1200:10::1/64 global",
    ]);
  });

  it("reads delegated prefixes from `ubus call network.interface dump`", () => {
    const dump = {
      interface: [
        { interface: "wan6", "ipv6-prefix": [{ address: "2001:db8:1200::", mask: 56, preferred: 3600 }] },
        { interface: "lan", "ipv6-prefix": [], "ipv6-prefix-assignment": [{ address: "2001:db8:1200:10::", mask: 64 }] },
        { interface: "wan6b", "ipv6-prefix": [{ address: "2001:db8:1200::", mask: 56 }, { address: "2001:db8:ff00::", mask: 48 }] },
      ],
    };
    expect(parseDelegatedPrefixes(JSON.stringify(dump))).toEqual(["2001:db8:1200::/56", "2001:db8:ff00::/48"]);
    expect(parseDelegatedPrefixes("{}")).toBeNull();
    expect(parseDelegatedPrefixes("not json")).toBeNull();
  });
});
