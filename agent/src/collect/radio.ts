import { bandOf, type IwDev, type RadioHealth, type RadioView, type StationDump, type SurveyChannel, type WirelessConfig } from "@meshfleet/shared";
import { inUseChannel, parseSurveyDump } from "../parsers/iw/index";
import { channelUtilisation } from "./radio-rates";
import { SectionRun } from "./section";
import type { CollectContext, SectionResult } from "./types";
import { isMeshPoint } from "./wireless";

/** Interface types that have no channel of their own to survey. */
const NO_SURVEY = new Set(["monitor", "P2P-device"]);

/** What the radio section takes from the other collectors of the cycle. */
export interface RadioInputs {
  stations: StationDump | null;
  wireless: WirelessConfig | null;
}

/**
 * Radio health per wireless interface: channel, width, frequency and tx power from `iw
 * dev`, noise and utilisation from `iw dev IF survey dump` (rates against the reading of
 * the previous cycle, kept in `ctx.memo.survey`), client and mesh peer counts from the
 * station dump, mesh id from `iw dev` or the wireless configuration. A failing survey
 * leaves that radio's noise and utilisation null and is recorded as an error.
 */
export async function collectRadios(ctx: CollectContext, ifaces: IwDev | null, others: Promise<RadioInputs> | RadioInputs): Promise<SectionResult<RadioView>> {
  const s = new SectionRun(ctx, "radios");
  if (ifaces === null) return s.done(null);
  const targets = ifaces.interfaces.filter((i) => !NO_SURVEY.has(i.type ?? ""));
  const surveys = await Promise.all(targets.map((i) => s.run(["iw", "dev", i.name, "survey", "dump"], parseSurveyDump)));
  const { stations, wireless } = await others;
  const prev = (ctx.memo.survey ??= {});
  const radios: RadioHealth[] = targets.map((i, k) => {
    const dump = surveys[k] ?? null;
    const survey: SurveyChannel | null = dump ? inUseChannel(dump, i.name) : null;
    const utilisation = channelUtilisation(prev[i.name], survey);
    if (survey) prev[i.name] = survey;
    else delete prev[i.name];
    const mine = (stations?.stations ?? []).filter((x) => x.iface === i.name);
    const mesh = isMeshPoint(i);
    const cfg = wireless?.interfaces.find((w) => w.ifname === i.name) ?? null;
    const freq = i.freqMhz ?? survey?.freqMhz ?? null;
    return {
      iface: i.name,
      phy: i.phy,
      type: i.type,
      band: bandOf(freq),
      channel: i.channel,
      freqMhz: freq,
      widthMhz: i.widthMhz,
      txPowerDbm: i.txPowerDbm,
      noiseDbm: survey?.noiseDbm ?? null,
      survey,
      utilisation,
      clients: mine.filter((x) => x.mesh === null).length,
      meshId: i.meshId ?? (mesh ? (cfg?.meshId ?? null) : null),
      peers: mesh ? mine.filter((x) => x.mesh !== null && (x.mesh.plink === null || x.mesh.plink === "ESTAB")).length : null,
    };
  });
  for (const name of Object.keys(prev)) if (!targets.some((i) => i.name === name)) delete prev[name];
  return s.done({ radios });
}
