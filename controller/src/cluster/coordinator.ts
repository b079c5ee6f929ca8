import { clusterKeys } from "@meshfleet/shared";
import type { Logger } from "../log";
import { assignPartitions } from "./assignment";
import { afterWrite, FREE, nextAction, type Lease, type LeaseTiming } from "./lease";
import type { LeaseStore } from "./lease-store";

/** What a controller does when it gains or loses a duty; the coordinator waits for each. */
export interface DutyHandlers {
  /** Rebuild the partition's detection state from the store, then start consuming it. */
  gainPartition(partition: number): Promise<void>;
  /** Stop consuming the partition (finish the batch in hand). */
  losePartition(partition: number): Promise<void>;
  /** Start (true) or stop (false) the run-once duties: rollouts, alert lifecycle, maintenance. */
  leader(leading: boolean): Promise<void>;
}

export interface CoordinatorOptions {
  /** This controller's id (unique in the cluster; a lower-case token). */
  id: string;
  partitions: number;
  leases: LeaseStore;
  timing: LeaseTiming;
  handlers: DutyHandlers;
  log: Logger;
  /** Monotonic milliseconds (lease deadlines count elapsed time only). */
  now?: () => number;
}

export interface ClusterStatus {
  id: string;
  leader: boolean;
  partitions: number[];
  members: string[];
}

/**
 * Keeps this controller's leases: its membership, the partitions the assignment gives it
 * (acquired once their previous holder's entry is gone, released when the assignment
 * moves them), and the leader lease. A lease is used only while held: losing it (a
 * conditional write refused, or no successful renewal before its drop deadline) stops the
 * duty before anyone else can take it over.
 */
export class Coordinator {
  private readonly now: () => number;
  private member: Lease = FREE;
  private lead: Lease = FREE;
  private readonly parts = new Map<number, Lease>();
  private members: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly listeners: ((s: ClusterStatus) => void)[] = [];

  constructor(private readonly o: CoordinatorOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  status(): ClusterStatus {
    return {
      id: this.o.id,
      leader: this.lead.held,
      partitions: [...this.parts].filter(([, l]) => l.held).map(([p]) => p).sort((a, b) => a - b),
      members: [...this.members],
    };
  }

  /** Called after every round whose held duties changed. */
  onChange(listener: (s: ClusterStatus) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.round()
        .catch((err: unknown) => this.o.log.error({ error: (err as Error).message }, "cluster round failed"))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, Math.max(50, Math.floor(this.o.timing.renewEveryMs / 2)));
        });
    };
    loop();
  }

  /** One pass over every lease (exposed for tests). */
  async round(): Promise<void> {
    const before = JSON.stringify(this.status());
    this.member = await this.step(clusterKeys.member(this.o.id), this.member, true);
    try {
      this.members = this.member.held ? [...new Set([...(await this.o.leases.members()), this.o.id])].sort() : [];
    } catch (err) {
      this.o.log.warn({ error: (err as Error).message }, "cluster: could not list the members; keeping the last list");
    }
    const mine = new Set(this.member.held ? (assignPartitions(this.members, this.o.partitions).get(this.o.id) ?? []) : []);
    // All at once: a round must stay well inside the renewal margin on a loaded machine.
    await Promise.all(
      Array.from({ length: this.o.partitions }, async (_, p) => {
        const was = this.parts.get(p) ?? FREE;
        const now = await this.step(clusterKeys.partition(p), was, mine.has(p), {
          gained: () => this.o.handlers.gainPartition(p),
          lost: () => this.o.handlers.losePartition(p),
        });
        this.parts.set(p, now);
      }),
    );
    this.lead = await this.step(clusterKeys.leader, this.lead, this.member.held, {
      gained: () => this.o.handlers.leader(true),
      lost: () => this.o.handlers.leader(false),
    });
    const after = this.status();
    if (JSON.stringify(after) !== before) for (const l of this.listeners) l(after);
  }

  /**
   * One lease's action. A duty starts after its lease is written and stops before the
   * lease is released; a refused renewal or a passed drop deadline stops it at once.
   */
  private async step(key: string, lease: Lease, want: boolean, duty?: { gained: () => Promise<void>; lost: () => Promise<void> }): Promise<Lease> {
    const action = nextAction(lease, want && !this.stopped, this.now(), this.o.timing);
    if (action === "none") return lease;
    if (action === "drop") {
      this.o.log.warn({ lease: key }, "cluster: a lease could not be renewed in time; giving it up");
      await duty?.lost();
      return FREE;
    }
    if (action === "release" && lease.held) {
      await duty?.lost();
      await this.o.leases.write(key, "", lease.revision);
      this.o.log.info({ lease: key }, "cluster: released");
      return FREE;
    }
    const sentAt = this.now();
    const outcome = action === "acquire" ? await this.o.leases.acquire(key, this.o.id) : await this.o.leases.write(key, this.o.id, lease.held ? lease.revision : 0);
    const next = afterWrite(lease, sentAt, outcome);
    if (!lease.held && next.held) {
      this.o.log.info({ lease: key }, "cluster: acquired");
      try {
        await duty?.gained();
      } catch (err) {
        // Not started: hand it back so that this controller (next round) or another retries.
        this.o.log.error({ lease: key, error: (err as Error).message }, "cluster: could not take up a duty; releasing it");
        await duty?.lost().catch(() => {});
        await this.o.leases.write(key, "", next.revision);
        return FREE;
      }
    } else if (lease.held && !next.held) {
      this.o.log.warn({ lease: key }, "cluster: lost (someone else holds it)");
      await duty?.lost();
    }
    return next;
  }

  /** Stops every duty and releases every lease (a controller that dies skips this; its leases expire). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    for (const [p, l] of this.parts) this.parts.set(p, await this.step(clusterKeys.partition(p), l, false, { gained: async () => {}, lost: () => this.o.handlers.losePartition(p) }));
    this.lead = await this.step(clusterKeys.leader, this.lead, false, { gained: async () => {}, lost: () => this.o.handlers.leader(false) });
    this.member = await this.step(clusterKeys.member(this.o.id), this.member, false);
  }
}
