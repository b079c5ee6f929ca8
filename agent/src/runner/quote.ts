/**
 * Quotes one word for a POSIX shell: wrapped in single quotes, each `'` written as
 * `'\''`. Inside single quotes nothing is special (no `$`, backslash, glob or newline
 * meaning), so any string survives verbatim. NUL cannot travel through a shell at all.
 */
export function shellQuote(word: string): string {
  if (word.includes("\u0000")) throw new Error("argv element contains a NUL byte");
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes an argv for a remote POSIX shell, with `LC_ALL=C` set for the command. */
export function remoteCommandLine(argv: readonly string[]): string {
  return ["LC_ALL=C; export LC_ALL; exec", ...argv.map(shellQuote)].join(" ");
}
