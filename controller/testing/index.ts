/**
 * @meshfleet/controller/testing: builders of valid wire messages for tests and
 * benchmarks only (never imported by the controller's sources, so never in dist/).
 */
export { buildSnapshot, buildHello, macOf, BENCH_PROFILE, type SnapshotProfile, type SnapshotOptions } from "./wire-messages";
export { createTestDatabase, postgresForSuite, probePostgres, TEST_PG_URL, type TestDatabase } from "./pg";
