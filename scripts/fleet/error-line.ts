/** Errors shortened to the one line a summary table can hold. */

/**
 * The line of an error worth showing in a table: Pulumi's own `error:` line when there
 * is one, else what the CLI wrote to stderr (the Automation API's message starts with an exit code).
 */
export function oneLineError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const stderr = lines.map((candidate) => /^stderr:\s*(\S.*)$/.exec(candidate)?.[1]).find((rest) => rest !== undefined);
  const line = lines.find((candidate) => /^error:/i.test(candidate)) ?? stderr ?? lines[0] ?? "failed";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
