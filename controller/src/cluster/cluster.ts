import type { NatsConnection } from "@nats-io/transport-node";
import { partitioned, subjectWildcards } from "@meshfleet/shared";
import type { Logger } from "../log";
import type { Ingest } from "../ingest/ingest";
import { streamReplicas } from "../ingest/topology";
import { Coordinator, type ClusterStatus } from "./coordinator";
import { leaseTiming } from "./lease";
import { LeaseStore } from "./lease-store";
import { partitionOf } from "./partition-of";

export interface ClusterOptions {
  /** This controller's id, unique among the controllers (default: host name and pid). */
  id: string;
  /** Partitions of the fleet; the broker's subject mapping must use the same count. */
  partitions: number;
  /** A dead controller's leases expire after this (default 10 s); its duties move within about that. */
  leaseTtlMs?: number;
}

/** What the features do when this controller gains or loses a duty (each optional). */
export interface ClusterDutyListener {
  /** Before the partition's consumer starts: rebuild what the partition's nodes need (detection state) from the store. */
  partitionGained?(partition: number): void | Promise<void>;
  partitionLost?(partition: number): void | Promise<void>;
  /** The run-once duties (rollouts, alert lifecycle) start (true) or stop (false). */
  leading?(leading: boolean): void | Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 10_000;

/**
 * Several controllers on one store: this controller's share of the work. Each partition
 * it holds is read through its own durable consumer (`<durable>-p<n>`, the partition's
 * subjects only); the leader also reads the job statuses (`<durable>-jobs`) and runs the
 * run-once duties. Everything it holds it gives up before anyone else can take it.
 */
export class ClusterMembership {
  private coordinator: Coordinator | null = null;
  private held = new Set<number>();
  private isLeader = false;

  constructor(
    private readonly o: ClusterOptions & { nc: NatsConnection; ingest: Ingest; durable: string; log: Logger; listeners: readonly ClusterDutyListener[] },
  ) {}

  /** Whether this controller holds the partition of `node` (its detection runs here). */
  owns(node: string): boolean {
    return this.held.has(partitionOf(node, this.o.partitions));
  }

  get leading(): boolean {
    return this.isLeader;
  }

  status(): ClusterStatus | null {
    return this.coordinator?.status() ?? null;
  }

  onChange(listener: (s: ClusterStatus) => void): void {
    if (!this.coordinator) throw new Error("cluster membership not started");
    this.coordinator.onChange(listener);
  }

  async start(): Promise<void> {
    const { store, ttlMs } = await LeaseStore.open(this.o.nc, { ttlMs: this.o.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS, replicas: streamReplicas("auto", this.o.nc) });
    const consumer = (p: number) => `${this.o.durable}-p${p}`;
    const each = async (f: (l: ClusterDutyListener) => void | Promise<void>) => {
      for (const l of this.o.listeners) await f(l);
    };
    this.coordinator = new Coordinator({
      id: this.o.id,
      partitions: this.o.partitions,
      leases: store,
      timing: leaseTiming(ttlMs),
      log: this.o.log,
      handlers: {
        gainPartition: async (p) => {
          this.held.add(p);
          await each((l) => l.partitionGained?.(p));
          await this.o.ingest.attach(consumer(p), partitioned.filter(p));
        },
        losePartition: async (p) => {
          await this.o.ingest.detach(consumer(p));
          this.held.delete(p);
          await each((l) => l.partitionLost?.(p));
        },
        leader: async (leading) => {
          this.isLeader = leading;
          if (leading) {
            await each((l) => l.leading?.(true));
            await this.o.ingest.attach(`${this.o.durable}-jobs`, subjectWildcards.jobStatus);
          } else {
            await this.o.ingest.detach(`${this.o.durable}-jobs`);
            await each((l) => l.leading?.(false));
          }
        },
      },
    });
    this.coordinator.start();
  }

  async stop(): Promise<void> {
    await this.coordinator?.stop();
  }
}
