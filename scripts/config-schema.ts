/** npm run schema: writes stacks/stack-config.schema.json from the zod schema. */
import * as fs from "node:fs";
import * as path from "node:path";
import { stackFileJsonSchema } from "../stacks/config/json-schema";

export const SCHEMA_FILE = path.resolve(__dirname, "..", "stacks", "stack-config.schema.json");

export function schemaText(): string {
  return `${JSON.stringify(stackFileJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
