import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** What a MAC says about its maker: the IEEE-registered vendor, or that it is randomised. */
export interface MacVendor {
  /** The organisation the MAC's OUI is registered to (MA-L, first line of the IEEE entry); null when unknown or randomised. */
  vendor: string | null;
  /** Locally administered (the 0x02 bit of the first octet): phones' private addresses; no vendor to look up. */
  randomised: boolean;
}

const MAC = /^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/** The OUI of a MAC as the IEEE table keys it ("A483E7"), or null when the text is not a MAC. */
export function ouiKey(mac: string): string | null {
  if (!MAC.test(mac)) return null;
  return mac.replace(/[:-]/g, "").slice(0, 6).toUpperCase();
}

/** Is the MAC locally administered (randomised by the device, or set by software)? */
export function isLocallyAdministered(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}

/**
 * MAC -> vendor over an OUI table (OUI hex -> "Vendor\naddress..."). Only the vendor's
 * name (the entry's first line) is kept. Pure: the table is given.
 */
export class VendorTable {
  private readonly names = new Map<string, string>();

  constructor(table: Readonly<Record<string, string>>) {
    for (const [k, v] of Object.entries(table)) {
      const name = v.split("\n", 1)[0]!.trim();
      if (name) this.names.set(k.toUpperCase(), name);
    }
  }

  get size(): number {
    return this.names.size;
  }

  /** The vendor of a MAC; null for text that is not a MAC. */
  lookup(mac: string): MacVendor | null {
    const key = ouiKey(mac);
    if (key === null) return null;
    if (isLocallyAdministered(mac)) return { vendor: null, randomised: true };
    return { vendor: this.names.get(key) ?? null, randomised: false };
  }
}

let shared: VendorTable | null = null;

/**
 * The IEEE OUI table of the `oui-data` package (MA-L assignments, refreshed by its
 * maintainer from the IEEE registry), read on first use and kept.
 */
export function ieeeVendors(): VendorTable {
  if (!shared) {
    const path = createRequire(import.meta.url).resolve("oui-data");
    shared = new VendorTable(JSON.parse(readFileSync(path, "utf8")) as Record<string, string>);
  }
  return shared;
}
