/**
 * Renders every example stack once per test run, in parallel across cores, into
 * out/ (the same files `npm run render -- --all` writes). Tests that check rendered
 * plans read them from there instead of rendering again.
 */
import * as path from "node:path";
import { renderStacks, stackNames } from "../scripts/render";

export const RENDER_DIR = path.resolve(__dirname, "..", "out");

export default async function renderEveryStack(): Promise<void> {
  const results = await renderStacks(stackNames(), RENDER_DIR);
  const failed = results.filter((r) => !r.ok).map((r) => r.stack);
  if (failed.length > 0) throw new Error(`the render of ${failed.join(", ")} failed; run \`npm run render -- --stack <name>\` to see why`);
}
