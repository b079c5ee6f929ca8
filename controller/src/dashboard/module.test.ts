import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { silentLogger } from "../log";
import { errorHandler } from "../http/errors";
import { dashboardModule } from "./module";

describe("dashboard API: /vendors", () => {
  const app = new Hono();
  app.onError(errorHandler(silentLogger));
  // The dashboard's routes use none of the API's dependencies.
  app.route("/api", dashboardModule().routes!({} as never));
  const get = async (q: string) => {
    const r = await app.request(`/api/vendors?${q}`);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it("answers each MAC's maker from the IEEE table, a randomised MAC as such, text that is no MAC as null", async () => {
    const r = await get("mac=C4:E9:84:00:00:01&mac=02:11:22:33:44:55&mac=nope");
    expect(r).toEqual({
      status: 200,
      body: { vendors: { "c4:e9:84:00:00:01": { vendor: "TP-LINK TECHNOLOGIES CO.,LTD.", randomised: false }, "02:11:22:33:44:55": { vendor: null, randomised: true }, nope: null } },
    });
  });

  it("answers one MAC given once (the query validator reads it as a string, not a list)", async () => {
    expect(await get("mac=02:11:22:33:44:55")).toEqual({ status: 200, body: { vendors: { "02:11:22:33:44:55": { vendor: null, randomised: true } } } });
  });

  it("refuses no MAC and more than 200 at once", async () => {
    expect(await get("")).toEqual({ status: 400, body: { code: "E_VALIDATION", message: expect.stringMatching(/^invalid query parameters: mac: /) } });
    expect((await get(Array.from({ length: 201 }, () => "mac=a4:83:e7:00:00:01").join("&"))).status).toBe(400);
  });
});
