import { PgStore, systemClock } from "@meshfleet/controller";
import { createTestDatabase, postgresForSuite } from "@meshfleet/controller/testing";
import { takeoverSuite } from "./takeover-scenario";

/** The takeover scenario (takeover-scenario.ts) on one PostgreSQL database (`mf_test_<random>`, dropped after). */
const pgHere = await postgresForSuite("two controllers on PostgreSQL");

takeoverSuite(
  {
    name: "PostgreSQL",
    create: async () => {
      const db = await createTestDatabase();
      return { target: db.url, open: () => PgStore.open({ url: db.url, clock: systemClock, poolSize: 2 }), drop: () => db.drop() };
    },
  },
  !pgHere,
);
