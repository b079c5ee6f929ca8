import { join } from "node:path";
import { expect } from "vitest";
import type { Page } from "playwright-core";

export const artifacts = join(import.meta.dirname, "..", "..", "..", "artifacts");
export const NODES = 5;

export type Plot = { labels: string[]; ts: number[]; values: (number | null)[][]; attrs: Record<string, string> };
export type Topo = { relayedPaths: { source: string; destination: string; via: string; hops: number | null }[] };
export type CyNode = { id(): string; position(): { x: number; y: number }; data(k: string): string; style(k: string): string; emit(e: string): void };
export type CyGraph = {
  nodes(): { length: number; map<T>(f: (n: CyNode) => T): T[] };
  edges(sel?: string): { length: number; map<T>(f: (e: CyNode) => T): T[] };
  getElementById(id: string): CyNode;
};

/**
 * In the page: the visible edges (kind and node pair), the labels drawn outside the
 * canvas, and every label that covers a node or another label (rendered boxes).
 */
export function inspectGraph() {
  type Box = { x1: number; x2: number; y1: number; y2: number; w: number; h: number };
  type El = { id(): string; data(k: string): string; visible(): boolean; isNode(): boolean; renderedBoundingBox(o: object): Box };
  const g = (window as unknown as { meshfleetGraph: { elements(): { toArray(): El[] }; width(): number; height(): number } }).meshfleetGraph;
  const els = g.elements().toArray().filter((e) => e.visible());
  const labelled = els.filter((e) => (e.data("label") ?? "") !== "");
  const labels = labelled.map((e) => ({ id: e.id(), box: e.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true }) }));
  const bodies = els.filter((e) => e.isNode()).map((e) => ({ id: e.id(), box: e.renderedBoundingBox({ includeNodes: true, includeEdges: false, includeLabels: false }) }));
  const hit = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const overlaps: string[] = [];
  for (const l of labels) {
    for (const b of bodies) if (b.id !== l.id && hit(l.box, b.box)) overlaps.push(`label of ${l.id} over node ${b.id}`);
    for (const m of labels) if (m.id < l.id && hit(l.box, m.box)) overlaps.push(`label of ${l.id} over label of ${m.id}`);
  }
  const outside = labels.filter((l) => l.box.x1 < 0 || l.box.y1 < 0 || l.box.x2 > g.width() || l.box.y2 > g.height()).map((l) => l.id);
  const visibleEdges = els.filter((e) => !e.isNode()).map((e) => ({ kind: e.data("kind"), pair: [e.data("source"), e.data("target")].sort().join("|") }));
  return { visibleEdges, outside, overlaps };
}

/** Screenshots of a page at a laptop's and a phone's size, into test/artifacts/; at neither size does the page scroll sideways. */
export async function shoot(page: Page, name: string) {
  const size = page.viewportSize();
  for (const [w, h] of [[1400, 900], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(artifacts, `${name}-${w}x${h}.png`), fullPage: true });
    // Readable on a phone: the page never scrolls sideways (wide tables scroll inside their box).
    const wide = await page.evaluate((w) => {
      const over = Array.from(document.querySelectorAll("body *")).filter((e) => e.getBoundingClientRect().right > w && !e.closest(".scroll"));
      return { width: document.documentElement.scrollWidth, over: over.slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}`) };
    }, w);
    expect(wide.width, `${name} at ${w}x${h}: wider than the screen: ${wide.over.join(", ")}`).toBeLessThanOrEqual(w);
  }
  if (size) await page.setViewportSize(size);
}

export type SeriesAnswer = { ts: number[]; series: { key: string; node: string | null; values: (number | null)[] }[] };
export type Graph = {
  nodes(): { length: number };
  edges(sel?: string): { length: number };
  getElementById(id: string): { nonempty(): boolean; data(k: string): string; visible(): boolean };
};
