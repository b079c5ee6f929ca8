/** The routing lab's timings and detection parameters (scenario.ts). */
export const INTERVAL_MS = 1000;
/** The referee's slack: monitor lines and polls reach it a little after the kernel changed. */
export const SLACK_MS = 200;
/** A daemon writes the kernel a little after its own table changed (one turn of its event loop; more when the machine is loaded). */
export const LAG_MS = 500;
/**
 * How long after the kernel a daemon may drop a route: at a cut the kernel removes the routes
 * over the downed link at once, and BIRD 1.6 drops them from its table about a second later
 * (its reads in between still list them).
 */
export const LEAD_MS = 1500;
/** The kernel is settled after this long without a change in any namespace. */
export const KERNEL_QUIET_MS = 3000;
/** The checks read the API and compare timelines; on a machine at load 30 the in-process controller answers slowly. */
export const CHECK_TIMEOUT_MS = 120_000;
/**
 * Most churn meshfleet may carry into a step from what came before (the daemons' start, where
 * babeld moves routes between equal paths; the previous step): under the tenth the flapping
 * check leaves (1,800 vs 2,000), so a cut, restore, withdrawal or return is judged alone.
 */
export const CARRIED_CHURN_MAX = 100;
export const FLAPS = 4;
export const FLAP_HALF_MS = 2 * INTERVAL_MS + 500;
/** Short damping parameters for the lab: half-life 10 s (thresholds as in production). */
export const DETECTION = {
  tickMs: 500,
  natsAlerts: true,
  config: {
    // The lab judges routing, not liveness: at load 15-20 on 2 cores the agents' cycles
    // stretch to 2-6 s and the in-process controller reads them late, which would fold the
    // route churn into node outages.
    offlineAfterIntervals: 20,
    churn: { halfLifeMs: 10_000, openAbove: 2000, resolveBelow: 750 },
    convergence: { quietMs: 3000, maxSilenceMs: 60_000, slowMs: 30_000 },
  },
};
