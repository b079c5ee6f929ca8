import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresForSuite, type TestDatabase } from "../../testing/pg";
import { PgStore } from "../store/pg/pg-store";
import { FakeClock } from "../store/types";
import { checkPgDatabase } from "./checks";

const pgHere = await postgresForSuite("doctor on PostgreSQL");

describe.skipIf(!pgHere)("doctor on a PostgreSQL store (a real server, a new database)", () => {
  let db: TestDatabase | null = null;
  afterAll(async () => {
    await db?.drop();
  });

  it("says a new database will be migrated, then that it is current, then that it is newer than this build", async () => {
    db = await createTestDatabase();
    const fresh = await checkPgDatabase(db.url, 5000);
    expect(fresh.map((r) => [r.name, r.status])).toEqual([["database", "ok"], ["migrations", "ok"]]);
    expect(fresh[0]!.detail).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:5432\/mf_test_[0-9a-f]{12}: PostgreSQL \d+/);
    expect(fresh[1]!.detail).toMatch(/^\d+ migrations will be applied when serve first opens the database$/);
    const known = Number(/^(\d+)/.exec(fresh[1]!.detail)![1]);
    expect(known).toBeGreaterThan(0);

    const store = await PgStore.open({ url: db.url, clock: new FakeClock(0), poolSize: 1 });
    await store.close();
    expect((await checkPgDatabase(db.url, 5000)).map((r) => [r.name, r.status, r.detail])).toEqual([
      ["database", "ok", expect.stringMatching(/: PostgreSQL \d+/)],
      ["migrations", "ok", `current (${known} applied)`],
    ]);

    // A controller newer than this build migrated the database.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query("insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-a-newer-build', $1)", [Date.UTC(2099, 0, 1)]);
    await c.end();
    const newer = await checkPgDatabase(db.url, 5000);
    expect(newer[1]).toMatchObject({ name: "migrations", status: "fail", detail: `the database has migrations newer than this build (${known + 1} applied, ${known} known)` });
  });

  it("fails with the URL's password masked when nothing answers", async () => {
    const r = await checkPgDatabase("postgres://meshfleet:s3cret-pw@127.0.0.1:1/meshfleet", 2000);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ name: "database", status: "fail" });
    expect(r[0]!.detail).toMatch(/^cannot connect to postgres:\/\/meshfleet:\*\*\*@127\.0\.0\.1:1\/meshfleet: .*ECONNREFUSED/);
    expect(JSON.stringify(r)).not.toContain("s3cret-pw");
    expect(r[0]!.fix).toContain("pg_hba.conf");
  });
});
