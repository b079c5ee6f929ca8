import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileUciBackend } from "./file-backend";

let root = "";
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("FileUciBackend with a save directory (uci -P)", () => {
  it("lets a second process (a second backend) see staged changes until commit or revert, like uci's /tmp/.uci", async () => {
    root = await mkdtemp(join(tmpdir(), "mf-uci-save-"));
    const saveDir = join(root, ".uci");
    await writeFile(join(root, "wireless"), "\nconfig wifi-device 'radio1'\n\toption channel '36'\n");
    await new FileUciBackend(root, { saveDir }).apply([{ op: "set", config: "wireless", section: "radio1", option: "channel", value: "44" }]);
    expect(await readFile(join(root, "wireless"), "utf8")).toContain("'36'");
    expect(await new FileUciBackend(root, { saveDir }).exportText("wireless")).toContain("option channel '44'");
    expect(await new FileUciBackend(root).exportText("wireless")).toContain("option channel '36'");

    await new FileUciBackend(root, { saveDir }).commit(["wireless"]);
    expect(await readFile(join(root, "wireless"), "utf8")).toBe("\nconfig wifi-device 'radio1'\n\toption channel '44'\n\n");
    expect(await readdir(saveDir)).toEqual([]);

    await new FileUciBackend(root, { saveDir }).apply([{ op: "set", config: "wireless", section: "radio1", option: "channel", value: "1" }]);
    await new FileUciBackend(root, { saveDir }).revert(["wireless"]);
    expect(await new FileUciBackend(root, { saveDir }).exportText("wireless")).toContain("option channel '44'");
    expect(await readdir(saveDir)).toEqual([]);
  });
});
