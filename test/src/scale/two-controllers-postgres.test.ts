import { PgStore, systemClock } from "@meshfleet/controller";
import { createTestDatabase, probePostgres, TEST_PG_URL } from "@meshfleet/controller/testing";
import { takeoverSuite } from "./takeover-scenario";

/** The takeover scenario (takeover-scenario.ts) on one PostgreSQL database (`mf_test_<random>`, dropped after). */
const probe = await probePostgres();
if (!probe.ok && process.env.MESHFLEET_REQUIRE_POSTGRES === "1") throw new Error(`two controllers on PostgreSQL: MESHFLEET_REQUIRE_POSTGRES=1 but nothing answers at ${TEST_PG_URL} (${probe.error})`);
if (!probe.ok) console.warn(`two controllers on PostgreSQL: skipped, nothing answers at ${TEST_PG_URL} (${probe.error})`);

takeoverSuite(
  {
    name: "PostgreSQL",
    create: async () => {
      const db = await createTestDatabase();
      return { target: db.url, open: () => PgStore.open({ url: db.url, clock: systemClock, poolSize: 2 }), drop: () => db.drop() };
    },
  },
  !probe.ok,
);
