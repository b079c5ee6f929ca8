import { openStore, systemClock } from "@meshfleet/controller";
import { takeoverSuite } from "./takeover-scenario";

/** The takeover scenario (takeover-scenario.ts) on one SQLite file. */
takeoverSuite({
  name: "SQLite",
  create: (dir) => {
    const file = `${dir}/controllers.sqlite`;
    return Promise.resolve({ target: file, open: () => Promise.resolve(openStore({ file, clock: systemClock })), drop: () => Promise.resolve() });
  },
});
