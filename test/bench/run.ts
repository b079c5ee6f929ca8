// `npm run bench -- <name> [args]`: runs test/bench/<name>.ts's default export with the remaining args.
const [benchName, ...args] = process.argv.slice(2);
if (!benchName || !/^[a-z0-9-]+$/.test(benchName)) {
  process.stderr.write("usage: npm run bench -- <name> [args]\n");
  process.exit(2);
}
const mod = (await import(`./${benchName}.ts`)) as { default: (args: string[]) => Promise<void> };
await mod.default(args);
export {};
