#!/usr/bin/env node
// Development entry: the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
await main(process.argv);
