import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, formatKeyPath, parseStackConfig, rawConfigFromStackFile } from "../stacks/config/load";
import { isConfigSecret } from "../stacks/config/secret";
import { schemaText, SCHEMA_FILE } from "../scripts/config-schema";
import { config, deepMerge, LOCAL_TENANT, planOf, problemsOf, type RawValues } from "./support/configs";

describe("defaults", () => {
  it("fill a minimal local tenant from the schema, once", () => {
    const parsed = config();
    expect(parsed.role).toBe("tenant");
    expect(planOf().tenant).toMatchObject({ database: { kind: "incluster" }, storage: { kind: "minio" } });
    expect(parsed.hub!.singleuser.defaultUrl).toBe("/lab");
    expect(parsed.hub!.singleuser.image).toEqual({ external: "quay.io/jupyter/scipy-notebook:2025-10-20" });
    expect(parsed.cluster.userPool).toEqual({ minNodes: 0, maxNodes: 10 });
  });

  it("derive database, storage and credentials from the cluster kind", () => {
    const gke = { cluster: { kind: "gke" }, gcp: { project: "acme-project", region: "europe-west1" }, endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" }, hub: { auth: { kind: "github", clientId: "x", clientSecret: "y" } } };
    const planned = planOf(gke, ["hub.auth.clientSecret"]).tenant!;
    expect(planned.database.kind).toBe("cloudsql");
    expect(planned.storage).toBeUndefined();
    const s3 = planOf(deepMerge(gke, { storage: { kind: "s3" }, aws: { region: "eu-west-1" } }), ["hub.auth.clientSecret"]).tenant!;
    expect(s3.storage).toMatchObject({ kind: "s3", credentials: { kind: "webIdentity" } });
  });

  it("make production the default protection level", () => {
    expect(parseStackConfig({ values: deepMerge(LOCAL_TENANT, { tenant: { name: "acme" } }), securePaths: new Set() }).tenant.protection).toBe("disposable");
    expect(parseStackConfig({ values: { ...LOCAL_TENANT, tenant: { name: "acme" } }, securePaths: new Set() }).tenant.protection).toBe("production");
  });
});

describe("mistakes", () => {
  it("in three keys are all reported at once, keyed by path", () => {
    const problems = problemsOf({
      tenant: { name: "Acme_Corp" },
      cluster: { kind: "eks" },
      hub: { auth: { kind: "dummy" }, singleuser: { memory: { guarantee: "lots" } } },
    });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^hubfleet:cluster\.kind: .*"local"\|"gke"\|"doks"\|"shared"/);
    expect(problems[1]).toMatch(/^hubfleet:hub\.singleuser\.memory\.guarantee: must be a size/);
    expect(problems[2]).toMatch(/^hubfleet:tenant\.name: must be a DNS label/);
  });

  it("name unknown keys, so that a typo is not silently ignored", () => {
    expect(problemsOf(deepMerge(LOCAL_TENANT, { hub: { culling: { timout: 60 } } }))).toEqual([
      "hubfleet:hub.culling.timout: is not a setting hubfleet knows; check the spelling against stacks/stack-config.schema.json",
    ]);
  });

  it("span keys where the rule does", () => {
    expect(problemsOf(deepMerge(LOCAL_TENANT, { cluster: { kind: "doks" }, digitalocean: { region: "blr1" } }))).toContain(
      "hubfleet:hub.auth.kind: dummy lets anyone in and is allowed only on a local cluster, not doks; use github, google, gitlab, generic or workshop",
    );
    expect(problemsOf(deepMerge(LOCAL_TENANT, { endpoint: { hostname: "hub.acme.org" } }))).toEqual([
      "hubfleet:endpoint.letsencryptEmail: is required with endpoint.hostname: letsencrypt needs a contact address",
    ]);
    expect(problemsOf(deepMerge(LOCAL_TENANT, { database: { kind: "cloudsql" } }))).toEqual([
      "hubfleet:database.kind: cloudsql does not fit cluster.kind local; use incluster",
    ]);
  });

  it("refuse names the hub will never see: a domain in Google usernames when there is one hosted domain", () => {
    const google = (hostedDomains: string[]) =>
      deepMerge(LOCAL_TENANT, { hub: { auth: { kind: "google", clientId: "id", clientSecret: "x", hostedDomains, admins: ["ada@acme.org"], allowedUsers: ["bob"] } } });
    expect(problemsOf(google(["acme.org"]), ["hub.auth.clientSecret"])).toEqual([
      "hubfleet:hub.auth.admins: names ada@acme.org; with one hosted domain the hub's usernames leave the domain out: write ada",
    ]);
    expect(problemsOf(google(["acme.org", "acme.ke"]), ["hub.auth.clientSecret"])).toEqual([]);
  });

  it("refuse an allow list beside workshop participants, who are the allow list", () => {
    const workshop = deepMerge(LOCAL_TENANT, { hub: { auth: { kind: "workshop", admins: ["ada"], allowedUsers: ["ada"], participants: { ada: "pw" } } } });
    expect(problemsOf(workshop, ["hub.auth.participants.ada"])).toEqual([
      "hubfleet:hub.auth.allowedUsers: is not a setting hubfleet knows; check the spelling against stacks/stack-config.schema.json",
    ]);
  });
});

describe("secrets", () => {
  const github = (clientSecret: unknown) => deepMerge(LOCAL_TENANT, { hub: { auth: { kind: "github", admins: [], clientId: "id", clientSecret } } });

  it("in plain text are refused with the command that stores them securely", () => {
    expect(problemsOf(github("hunter2"))).toEqual([
      "hubfleet:hub.auth.clientSecret: is plain text, but this setting is a secret; store it with `pulumi config set --secret --path '<key path>' <value>`",
    ]);
  });

  it("stored securely become Pulumi secrets", async () => {
    const parsed = parseStackConfig({ values: github("hunter2"), securePaths: new Set(["hub.auth.clientSecret"]) });
    const auth = parsed.hub!.auth;
    expect(auth.kind).toBe("github");
    if (auth.kind !== "github") return;
    expect(isConfigSecret(auth.clientSecret)).toBe(true);
    expect(auth.clientSecret.path).toBe("hubfleet:hub.auth.clientSecret");
    const pulumi = await import("@pulumi/pulumi");
    expect(await pulumi.isSecret(auth.clientSecret.value)).toBe(true);
  });

  it("are found in a stack file by their secure envelope, at any depth", () => {
    const raw = rawConfigFromStackFile(
      [
        "config:",
        "  gcp:project: other-namespace",
        "  hubfleet:hub:",
        "    auth:",
        "      clientSecret:",
        "        secure: v1:abc",
        "      participants:",
        "        alice: { secure: v1:def }",
      ].join("\n"),
    );
    expect([...raw.securePaths].sort()).toEqual(["hub.auth.clientSecret", "hub.auth.participants.alice"]);
    expect(raw.values).toEqual({ hub: { auth: { clientSecret: "[secret]", participants: { alice: "[secret]" } } } });
  });
});

describe("key paths", () => {
  it("are written in Pulumi's --path syntax", () => {
    expect(formatKeyPath(["hub", "singleuser", "profiles", 0, "name"])).toBe("hub.singleuser.profiles[0].name");
    expect(formatKeyPath(["tenant", "labels", "cost.center"])).toBe('tenant.labels["cost.center"]');
  });
});

describe("random invalid configs", () => {
  // Any JSON at any key: the answer is a valid config or a keyed ConfigError, never a crash.
  const json = fc.jsonValue({ maxDepth: 3 });
  const keys = fc.constantFrom("tenant", "cluster", "database", "storage", "endpoint", "hub", "gcp", "aws", "digitalocean", "role", "bogus");
  const paths = fc.array(fc.constantFrom("name", "kind", "auth", "singleuser", "profiles", "cpu", "memory", "gke", "s3", "hostname", "0"), { maxLength: 3 });

  it("always give the keyed error, never a stack trace", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keys, paths, json), { minLength: 1, maxLength: 4 }), (edits) => {
        let values: RawValues = structuredClone(LOCAL_TENANT);
        for (const [key, subPath, value] of edits) {
          const patch = [key, ...subPath].reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value) as RawValues;
          values = deepMerge(values, patch);
        }
        try {
          parseStackConfig({ values, securePaths: new Set() });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          for (const problem of (error as ConfigError).problems) {
            expect(problem).toMatch(/^hubfleet:\S.*?: \S/);
            expect(problem).not.toMatch(/\n|\bat .*\.ts:\d+/);
          }
        }
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });
});

describe("the JSON Schema for editors", () => {
  it("is generated from the zod schema and up to date (run `npm run schema`)", () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(schemaText());
  });

  it("describes secrets as secure envelopes", () => {
    const text = schemaText();
    expect(text).toContain('"secure"');
    expect(path.basename(SCHEMA_FILE)).toBe("stack-config.schema.json");
  });
});
