import { describe, expect, it } from "vitest";
import { parseBitrate } from "./bitrate";

describe("parseBitrate", () => {
  it.each([
    ["65.0 MBit/s MCS 6 short GI", { mbps: 65, mode: "ht", mcs: 6, nss: 1, widthMhz: 20, shortGi: true }],
    ["115.6 MBit/s MCS 13 short GI", { mbps: 115.6, mode: "ht", mcs: 13, nss: 2, widthMhz: 20, shortGi: true }],
    ["45.0 MBit/s MCS 2 40MHz short GI", { mbps: 45, mode: "ht", mcs: 2, nss: 1, widthMhz: 40, shortGi: true }],
    ["390.0 MBit/s VHT-MCS 9 80MHz VHT-NSS 1", { mbps: 390, mode: "vht", mcs: 9, nss: 1, widthMhz: 80, shortGi: false }],
    ["866.7 MBit/s VHT-MCS 9 80MHz short GI VHT-NSS 2", { mbps: 866.7, mode: "vht", mcs: 9, nss: 2, widthMhz: 80, shortGi: true }],
    ["1200.9 MBit/s 80MHz HE-MCS 11 HE-NSS 2 HE-GI 0 HE-DCM 0", { mbps: 1200.9, mode: "he", mcs: 11, nss: 2, widthMhz: 80, shortGi: false }],
    ["2401.9 MBit/s 160MHz HE-MCS 11 HE-NSS 2 HE-GI 0 HE-DCM 0", { mbps: 2401.9, mode: "he", mcs: 11, nss: 2, widthMhz: 160, shortGi: false }],
    // The HE-DCM value can be missing (iw commit message sample); no width token = 20 MHz.
    ["344.1 MBit/s HE-MCS 7 HE-NSS 4 HE-GI 0 HE-DCM", { mbps: 344.1, mode: "he", mcs: 7, nss: 4, widthMhz: 20, shortGi: false }],
    ["5764.7 MBit/s 320MHz EHT-MCS 13 EHT-NSS 2 EHT-GI 0", { mbps: 5764.7, mode: "eht", mcs: 13, nss: 2, widthMhz: 320, shortGi: false }],
    ["1080.6 MBit/s 80P80MHz VHT-MCS 8 VHT-NSS 3", { mbps: 1080.6, mode: "vht", mcs: 8, nss: 3, widthMhz: 160, shortGi: false }],
    ["6.0 MBit/s", { mbps: 6, mode: "legacy", mcs: null, nss: null, widthMhz: null, shortGi: false }],
    ["6.0 MBit/s 80MHz", { mbps: 6, mode: "legacy", mcs: null, nss: null, widthMhz: 80, shortGi: false }],
    ["(unknown)", { mbps: null, mode: null, mcs: null, nss: null, widthMhz: null, shortGi: false }],
    // An HE resource-unit allocation has no channel width of its own.
    ["14.6 MBit/s HE-MCS 5 HE-NSS 1 HE-GI 1 HE-DCM 0 HE-RU-ALLOC 2", { mbps: 14.6, mode: "he", mcs: 5, nss: 1, widthMhz: null, shortGi: false }],
  ])("%s", (text, expected) => {
    expect(parseBitrate(text)).toEqual(expected);
  });

  it("returns null for text that is no bitrate", () => {
    expect(parseBitrate("")).toBeNull();
    expect(parseBitrate("fast")).toBeNull();
    expect(parseBitrate("NaN MBit/s MCS 3")).toBeNull();
    expect(parseBitrate("1e999 MBit/s")).toBeNull();
  });
});
