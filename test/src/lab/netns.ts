import { must, run } from "./exec";

/** Every lab namespace starts with this; a pre-clean removes stale ones from crashed runs. */
export const LAB_PREFIX = "mflab-";

export async function listLabNamespaces(): Promise<string[]> {
  const out = await must(["ip", "netns", "list"]);
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((n) => n.startsWith(LAB_PREFIX));
}

/** Kills every process left in a namespace (by pid, from `ip netns pids`), then deletes it. */
export async function destroyNamespace(ns: string): Promise<void> {
  const pids = (await run(["ip", "netns", "pids", ns])).stdout.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 20; i++) {
    const r = await run(["ip", "netns", "del", ns]);
    if (r.code === 0 || !(await listLabNamespaces()).includes(ns)) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Lab namespaces are named `mflab-<tag>-<pid of the test process>-<n>`, so a run can tell its own from stale ones. */
export function labNamespace(tag: string, n: number, pid = process.pid): string {
  return `${LAB_PREFIX}${tag}-${pid}-${n}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes stale lab namespaces (and the processes inside): every `mflab-` namespace whose
 * test process is gone (a crashed or killed run), or that does not follow the naming.
 * Labs of test runs still alive (another package's run at the same time) are left alone.
 */
export async function preClean(): Promise<string[]> {
  const stale = (await listLabNamespaces()).filter((n) => {
    const m = /^mflab-[a-z0-9]+-(\d+)-\d+$/.exec(n);
    return !m || (Number(m[1]) !== process.pid && !alive(Number(m[1])));
  });
  for (const ns of stale) await destroyNamespace(ns);
  return stale;
}

export async function createNamespace(ns: string): Promise<void> {
  await must(["ip", "netns", "add", ns]);
  await must(["ip", "-n", ns, "link", "set", "lo", "up"]);
  // No duplicate address detection: link-local addresses are usable at once.
  for (const k of ["net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.forwarding=1"]) await must(["ip", "netns", "exec", ns, "sysctl", "-qw", k]);
}

/** A veth pair between two namespaces, both ends up. */
export async function vethLink(nsA: string, ifA: string, nsB: string, ifB: string): Promise<void> {
  await must(["ip", "-n", nsA, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB]);
  await must(["ip", "-n", nsA, "link", "set", ifA, "up"]);
  await must(["ip", "-n", nsB, "link", "set", ifB, "up"]);
}

export async function linkLocalOf(ns: string, iface: string): Promise<string> {
  const out = await must(["ip", "-n", ns, "-j", "addr", "show", "dev", iface]);
  const j = JSON.parse(out) as { addr_info: { family: string; local: string; scope: string }[] }[];
  const a = j[0]?.addr_info.find((x) => x.family === "inet6" && x.scope === "link");
  if (!a) throw new Error(`no link-local address on ${ns}/${iface}`);
  return a.local;
}

export async function setLink(ns: string, iface: string, up: boolean): Promise<void> {
  await must(["ip", "-n", ns, "link", "set", iface, up ? "up" : "down"]);
}
