/**
 * npm run docs:config: writes docs/configuration.md from stacks/stack-config.schema.json
 * (itself generated from the zod schema by `npm run schema`). One table per top-level
 * `hubfleet:` section: the key path as `pulumi config set --path` takes it, its type
 * (allowed values, pattern, bounds), its default and its description.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const projectDir = path.resolve(__dirname, "..");
export const SCHEMA_FILE = path.join(projectDir, "stacks", "stack-config.schema.json");
export const CONFIGURATION_DOC = path.join(projectDir, "docs", "configuration.md");

/** The parts of JSON Schema that `z.toJSONSchema` writes for the stack config. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
}

/** Where a key sits: whether its object requires it, and the default its parent's default gives it. */
interface Place {
  readonly required: boolean;
  /** The enclosing object's key, when that object may be absent. */
  readonly parent: string | undefined;
  /** The enclosing objects always exist (required all the way up). */
  readonly always: boolean;
  readonly inherited?: unknown;
}

interface Row {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
  /** The `kind`s of a discriminated union this key belongs to, when not all of them. */
  readonly kinds?: readonly string[];
}

const NAMESPACE = "hubfleet";

function code(value: string): string {
  return value.includes("`") ? `\`\` ${value} \`\`` : `\`${value}\``;
}

/** A table cell: one line, pipes escaped (GitHub keeps `\|` inside code spans of a table). */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function literal(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function withoutKey<T extends object>(object: T, key: string): T {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== key)) as T;
}

function isSecret(node: JsonSchema): boolean {
  return (
    node.type === "object" &&
    node.properties?.secure !== undefined &&
    (node.required ?? []).includes("secure") &&
    Object.keys(node.properties).length === 1
  );
}

function isRecord(node: JsonSchema): node is JsonSchema & { additionalProperties: JsonSchema } {
  return node.type === "object" && node.properties === undefined && typeof node.additionalProperties === "object";
}

function isObject(node: JsonSchema): boolean {
  return node.properties !== undefined && !isSecret(node);
}

class Generator {
  constructor(private readonly root: JsonSchema) {}

  resolve(node: JsonSchema): JsonSchema {
    let current = node;
    for (let depth = 0; current.$ref !== undefined; depth++) {
      const match = /^#\/\$defs\/(.+)$/.exec(current.$ref);
      const target = match ? this.root.$defs?.[match[1] ?? ""] : undefined;
      if (!target || depth > 20) throw new Error(`config-docs: cannot resolve ${current.$ref}`);
      current = { ...target, ...withoutKey(current, "$ref") };
    }
    if (current.allOf && current.allOf.length === 1 && current.allOf[0]) {
      const { allOf, ...rest } = current;
      current = { ...this.resolve(allOf[0] as JsonSchema), ...rest };
    }
    return current;
  }

  /** A one-line type: allowed values, pattern and bounds included. */
  type(raw: JsonSchema): string {
    const node = this.resolve(raw);
    if (isSecret(node)) return "secret (`pulumi config set --secret`)";
    if (node.const !== undefined) return code(literal(node.const));
    if (node.enum) return `one of ${node.enum.map((v) => code(literal(v))).join(", ")}`;
    const union = node.oneOf ?? node.anyOf;
    if (union) return `one of ${union.map((variant) => this.inline(variant)).join(", ")}`;
    const base = Array.isArray(node.type) ? node.type.join(" or ") : (node.type ?? "any");
    if (node.type === "array") {
      const items = node.items ? this.resolve(node.items) : undefined;
      const itemType = items === undefined ? "any" : isObject(items) ? "object" : this.type(items);
      return `list of ${itemType}${this.bounds(node, "items")}`;
    }
    if (isRecord(node)) {
      const keys = node.propertyNames ? this.type(node.propertyNames) : "string";
      return `map: key ${keys} → ${this.type(node.additionalProperties)}`;
    }
    if (node.type === "string" && node.format && ["uri", "url", "email"].includes(node.format)) {
      return `${node.format === "email" ? "e-mail address" : "URL"}${this.bounds(node, "characters")}`;
    }
    const details = [node.pattern !== undefined ? `pattern ${code(node.pattern)}` : ""].filter(Boolean);
    return `${base}${this.bounds(node, node.type === "string" ? "characters" : "")}${details.length ? `, ${details.join(", ")}` : ""}`;
  }

  /** A union variant in one piece, such as `{create: true}` or `{stack: string}`. */
  inline(raw: JsonSchema): string {
    const node = this.resolve(raw);
    if (!isObject(node)) return this.type(node);
    const fields = Object.entries(node.properties ?? {}).map(([key, value]) => {
      const resolved = this.resolve(value);
      const optional = (node.required ?? []).includes(key) ? "" : "?";
      return `${key}${optional}: ${resolved.const !== undefined ? literal(resolved.const) : this.type(resolved).replace(/`/g, "")}`;
    });
    return code(`{${fields.join(", ")}}`);
  }

  bounds(node: JsonSchema, unit: string): string {
    const [min, max] =
      node.type === "string"
        ? [node.minLength, node.maxLength]
        : node.type === "array"
          ? [node.minItems, node.maxItems]
          : [node.minimum, node.maximum !== undefined && node.maximum >= Number.MAX_SAFE_INTEGER ? undefined : node.maximum];
    const suffix = unit ? ` ${unit}` : "";
    if (node.exclusiveMinimum !== undefined)
      return max !== undefined ? `, > ${node.exclusiveMinimum} and ≤ ${max}` : `, > ${node.exclusiveMinimum}`;
    if (min !== undefined && max !== undefined) return `, ${min}–${max}${suffix}`;
    if (max !== undefined) return `, at most ${max}${suffix}`;
    if (min !== undefined && !(node.type === "string" && min === 1)) return `, at least ${min}${suffix}`;
    if (node.type === "string" && min === 1) return ", not empty";
    return "";
  }

  /** The default, or where none: whether the key must be set. */
  defaultOf(node: JsonSchema, place: Place): string {
    const value = node.default !== undefined ? node.default : place.inherited;
    if (value !== undefined) {
      const text = literal(value);
      return text === "" ? '`""`' : code(text);
    }
    if (!place.required) return "";
    return place.parent === undefined ? "**required**" : `required in ${code(place.parent)}`;
  }

  /** Rows for a key and, for objects and lists of objects, the keys below it. */
  rows(key: string, raw: JsonSchema, place: Place): Row[] {
    const node = this.resolve(raw);
    const description = node.description ?? "";
    if (node.oneOf && node.oneOf.every((variant) => this.discriminator(variant) !== undefined)) {
      return this.discriminatedRows(key, node, place);
    }
    if (isObject(node)) {
      const optional = !place.required && node.default === undefined && place.inherited === undefined;
      const own: Row[] = description || optional ? [{ key, type: optional ? "object, optional" : "object", default: "", description }] : [];
      return [...own, ...this.children(key, node, place)];
    }
    const rows: Row[] = [{ key, type: this.type(node), default: this.defaultOf(node, place), description }];
    if (node.type === "array" && node.items) {
      const items = this.resolve(node.items);
      if (isObject(items)) rows.push(...this.children(`${key}[<n>]`, items, { required: true, parent: undefined, always: false }));
    }
    return rows;
  }

  /** The keys of an object; `place` is the object's own. */
  children(key: string, node: JsonSchema, place: Place): Row[] {
    const required = node.required ?? [];
    const own = (node.default ?? place.inherited) as Record<string, unknown> | undefined;
    // Keys an object requires are required outright only when the object itself always exists.
    const always = place.always && place.required;
    const segment = key.replace(/^.*[.:]/, "");
    return Object.entries(node.properties ?? {}).flatMap(([child, value]) =>
      this.rows(`${key}.${child}`, value, {
        required: required.includes(child),
        parent: always ? undefined : segment,
        always,
        inherited: own && typeof own === "object" ? own[child] : undefined,
      }),
    );
  }

  discriminator(raw: JsonSchema): string | undefined {
    const node = this.resolve(raw);
    const kind = node.properties?.kind;
    const value = kind ? this.resolve(kind).const : undefined;
    return typeof value === "string" ? value : undefined;
  }

  /** A union told apart by `kind`: the kind's row, then each key once with the kinds that take it. */
  discriminatedRows(key: string, node: JsonSchema, place: Place): Row[] {
    const variants = (node.oneOf ?? []).map((variant) => ({ kind: this.discriminator(variant) as string, node: this.resolve(variant) }));
    const all = variants.map((variant) => variant.kind);
    const rows: Row[] = [
      {
        key: `${key}.kind`,
        type: `one of ${all.map((kind) => code(kind)).join(", ")}`,
        default: this.defaultOf({}, { ...place, required: true, inherited: undefined }),
        description: node.description ?? "",
      },
    ];
    const merged = new Map<string, { row: Row; kinds: string[] }>();
    for (const variant of variants) {
      const properties = withoutKey(variant.node.properties ?? {}, "kind");
      for (const row of this.children(key, { ...variant.node, properties }, place)) {
        const id = JSON.stringify([row.key, row.type, row.default, row.description]);
        const existing = merged.get(id);
        if (existing) existing.kinds.push(variant.kind);
        else merged.set(id, { row, kinds: [variant.kind] });
      }
    }
    for (const { row, kinds } of merged.values()) rows.push(kinds.length === all.length ? row : { ...row, kinds });
    return rows;
  }
}

function table(rows: readonly Row[]): string {
  const lines = ["| key | type | default | description |", "| --- | --- | --- | --- |"];
  for (const row of rows) {
    const only = row.kinds ? `(kind ${row.kinds.join(", ")}) ` : "";
    lines.push(`| ${[code(row.key), row.type, row.default, `${only}${row.description}`].map(cell).join(" | ")} |`.replace(/ +\|$/, " |"));
  }
  return lines.join("\n");
}

/** The whole of docs/configuration.md for a stack-file JSON Schema. */
export function configurationMarkdown(schema: JsonSchema): string {
  const generator = new Generator(schema);
  const config = generator.resolve(schema.properties?.config ?? {});
  const required = config.required ?? [];
  const sections = Object.entries(config.properties ?? {}).map(([key, value]) => {
    const section = key.startsWith(`${NAMESPACE}:`) ? key.slice(NAMESPACE.length + 1) : key;
    const node = generator.resolve(value);
    const isRequired = required.includes(key);
    const place = { required: isRequired, parent: undefined, always: true };
    const rows = isObject(node) ? generator.children(key, node, place) : generator.rows(key, node, place);
    const intro = [
      `\`${key}\`${isRequired ? " (required)" : isObject(node) && node.default === undefined ? " (optional)" : ""}.`,
      node.description && isObject(node) ? ` ${node.description}` : "",
    ].join("");
    return [`## ${section}`, "", intro, "", table(rows)].join("\n");
  });
  return [
    "# Stack configuration",
    "",
    "<!-- Generated by `npm run docs:config` from stacks/stack-config.schema.json; do not edit. -->",
    "",
    "Every setting of a stack lives under the `hubfleet:` namespace of `Pulumi.<stack>.yaml`.",
    "A key below is the path that `pulumi config set --path` takes, for example",
    "`pulumi config set --path 'hubfleet:cluster.gke.zone' europe-west1-b`; `[<n>]` is a list",
    "index, and a secret is set with `--secret`. Kinds that default by cluster kind",
    "(`database.kind`, `storage.kind`, `storage.s3.credentials`) and the rules that span keys",
    "are the plan's (see [architecture](architecture.md#layers)); a mistake is reported as",
    "`hubfleet:<key path>: …` before any resource is registered.",
    "",
    ...sections.flatMap((section) => [section, ""]),
  ].join("\n");
}

export function configurationDoc(schemaFile = SCHEMA_FILE): string {
  return configurationMarkdown(JSON.parse(fs.readFileSync(schemaFile, "utf8")) as JsonSchema);
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(CONFIGURATION_DOC), { recursive: true });
  fs.writeFileSync(CONFIGURATION_DOC, configurationDoc());
  console.log(`wrote ${path.relative(process.cwd(), CONFIGURATION_DOC)}`);
}
