import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIGURATION_DOC, configurationDoc, configurationMarkdown, type JsonSchema } from "../scripts/config-docs";
import { brokenReason, commentLinks, githubSlug, headingAnchors, markdownLinks, type Link } from "./support/links";

const projectDir = path.resolve(__dirname, "..");

const markdownFiles = (): string[] => [
  "README.md",
  ...fs
    .readdirSync(path.join(projectDir, "docs"))
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => `docs/${file}`),
];
const stackFiles = (): string[] =>
  fs
    .readdirSync(projectDir)
    .filter((file) => /^Pulumi\..+\.yaml$/.test(file))
    .sort();
const read = (file: string) => fs.readFileSync(path.join(projectDir, file), "utf8");

describe("docs/configuration.md", () => {
  it("is what `npm run docs:config` writes from stacks/stack-config.schema.json now", () => {
    expect(fs.readFileSync(CONFIGURATION_DOC, "utf8"), "run `npm run schema && npm run docs:config`").toBe(configurationDoc());
  });

  it("names every key as `pulumi config set --path` takes it, with its type, default and description", () => {
    const schema: JsonSchema = {
      properties: {
        config: {
          type: "object",
          required: ["hubfleet:tenant"],
          properties: {
            "hubfleet:tenant": {
              type: "object",
              required: ["name"],
              properties: {
                name: { type: "string", maxLength: 24, pattern: "^[a-z]+$", description: "Namespace and prefix." },
                protection: { type: "string", enum: ["production", "disposable"], default: "production" },
              },
            },
            "hubfleet:hub": {
              type: "object",
              properties: {
                auth: {
                  oneOf: [
                    {
                      type: "object",
                      required: ["kind", "clientSecret"],
                      properties: {
                        kind: { const: "github" },
                        clientSecret: { type: "object", required: ["secure"], properties: { secure: { type: "string" } } },
                      },
                    },
                    {
                      type: "object",
                      required: ["kind"],
                      properties: { kind: { const: "dummy" }, admins: { type: "array", items: { type: "string" }, default: [] } },
                    },
                  ],
                },
                profiles: { type: "array", items: { type: "object", properties: { image: { $ref: "#/$defs/image" } } }, default: [] },
              },
            },
          },
        },
      },
      $defs: { image: { type: "object", required: ["tag"], properties: { tag: { type: "string", pattern: "a|b" } } } },
    };
    const doc = configurationMarkdown(schema);
    expect(doc).toContain("## tenant");
    expect(doc).toContain(
      "| `hubfleet:tenant.name` | string, at most 24 characters, pattern `^[a-z]+$` | **required** | Namespace and prefix. |",
    );
    expect(doc).toContain("| `hubfleet:tenant.protection` | one of `production`, `disposable` | `production` |");
    expect(doc).toContain("| `hubfleet:hub.auth.kind` | one of `github`, `dummy` | required in `hub` |");
    expect(doc).toContain(
      "| `hubfleet:hub.auth.clientSecret` | secret (`pulumi config set --secret`) | required in `auth` | (kind github) |",
    );
    expect(doc).toContain("| `hubfleet:hub.auth.admins` | list of string | `[]` | (kind dummy) |");
    expect(doc).toContain("| `hubfleet:hub.profiles[<n>].image.tag` | string, pattern `a\\|b` | required in `image` |");
  });
});

describe("links", () => {
  it("slugs headings as GitHub does", () => {
    expect(githubSlug("Deploy the dev stack on kind")).toBe("deploy-the-dev-stack-on-kind");
    expect(githubSlug("`hubfleet:cluster` and AWS S3: a tenant's buckets")).toBe("hubfleetcluster-and-aws-s3-a-tenants-buckets");
    expect(githubSlug("Costs, and the defaults that trade them")).toBe("costs-and-the-defaults-that-trade-them");
    expect([...headingAnchors("# A\n## Deploy\n```\n# not a heading\n```\n### Deploy\n")]).toEqual(["a", "deploy", "deploy-1"]);
  });

  it("finds links in prose, not in code", () => {
    const text =
      "See [gcp](docs/gcp.md#deploy) and <https://example.org>.\n```sh\n[x](nowhere.md)\n```\nNot `[y](nowhere.md)`.\n[ref]: ./docs/aws-s3.md\n";
    expect(markdownLinks("README.md", text).map((link) => link.target)).toEqual([
      "docs/gcp.md#deploy",
      "https://example.org",
      "./docs/aws-s3.md",
    ]);
    expect(
      commentLinks("Pulumi.x.yaml", "# See docs/gcp.md#deploy.\nconfig:\n  a: b # and Pulumi.dev.yaml\n").map((link) => link.target),
    ).toEqual(["docs/gcp.md#deploy", "Pulumi.dev.yaml"]);
  });

  it("resolve in the README, every doc and every stack file's comments (relative files and heading anchors)", () => {
    const links: Link[] = [
      ...markdownFiles().flatMap((file) => markdownLinks(file, read(file))),
      ...stackFiles().flatMap((file) => commentLinks(file, read(file))),
    ];
    expect(links.length).toBeGreaterThan(20);
    const broken = links.flatMap((link) => {
      const reason = brokenReason(projectDir, link);
      return reason ? [`${link.from}:${link.line}: ${link.target}: ${reason}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it("keep the README a README: at most 200 lines", () => {
    expect(read("README.md").trimEnd().split("\n").length).toBeLessThanOrEqual(200);
  });
});
