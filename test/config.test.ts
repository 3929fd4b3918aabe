import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, formatKeyPath, parseStackConfig, rawConfigFromStackFile } from "../stacks/config/load";
import { isConfigSecret } from "../stacks/config/secret";
import { schemaText, SCHEMA_FILE } from "../scripts/config-schema";
import { planStack } from "../stacks/plan";
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
    const gke = {
      cluster: { kind: "gke" },
      gcp: { project: "acme-project", region: "europe-west1" },
      endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" },
      hub: { auth: { kind: "github", clientId: "x", clientSecret: "y" } },
    };
    const planned = planOf(gke, ["hub.auth.clientSecret"]).tenant!;
    expect(planned.database.kind).toBe("cloudsql");
    expect(planned.storage).toBeUndefined();
    const s3 = planOf(deepMerge(gke, { storage: { kind: "s3" }, aws: { region: "eu-west-1" } }), ["hub.auth.clientSecret"]).tenant!;
    expect(s3.storage).toMatchObject({ kind: "s3", credentials: { kind: "webIdentity" } });
  });

  it("make production the default protection level", () => {
    expect(
      parseStackConfig({ values: deepMerge(LOCAL_TENANT, { tenant: { name: "acme" } }), securePaths: new Set() }).tenant.protection,
    ).toBe("disposable");
    expect(parseStackConfig({ values: { ...LOCAL_TENANT, tenant: { name: "acme" } }, securePaths: new Set() }).tenant.protection).toBe(
      "production",
    );
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
      "hubfleet:database.kind: cloudsql does not fit cluster.kind local; use incluster or none or external",
    ]);
  });

  it("refuse names the hub will never see: a domain in Google usernames when there is one hosted domain", () => {
    const google = (hostedDomains: string[]) =>
      deepMerge(LOCAL_TENANT, {
        hub: {
          auth: { kind: "google", clientId: "id", clientSecret: "x", hostedDomains, admins: ["ada@acme.org"], allowedUsers: ["bob"] },
        },
      });
    expect(problemsOf(google(["acme.org"]), ["hub.auth.clientSecret"])).toEqual([
      "hubfleet:hub.auth.admins: names ada@acme.org; with one hosted domain the hub's usernames leave the domain out: write ada",
    ]);
    expect(problemsOf(google(["acme.org", "acme.ke"]), ["hub.auth.clientSecret"])).toEqual([]);
  });

  it("refuse an allow list beside workshop participants, who are the allow list", () => {
    const workshop = deepMerge(LOCAL_TENANT, {
      hub: { auth: { kind: "workshop", admins: ["ada"], allowedUsers: ["ada"], participants: { ada: "pw" } } },
    });
    expect(problemsOf(workshop, ["hub.auth.participants.ada"])).toEqual([
      "hubfleet:hub.auth.allowedUsers: is not a setting hubfleet knows; check the spelling against stacks/stack-config.schema.json",
    ]);
  });
});

describe("secrets", () => {
  const github = (clientSecret: unknown) =>
    deepMerge(LOCAL_TENANT, { hub: { auth: { kind: "github", admins: [], clientId: "id", clientSecret } } });

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

describe("issue 13: the openhexa login, the Renku-style preset, Route53, database none and external", () => {
  /** A GKE tenant with https, to which each case adds its keys. */
  const GKE: RawValues = {
    tenant: { name: "acme" },
    cluster: { kind: "gke" },
    gcp: { project: "acme-project", region: "europe-west1" },
    database: { kind: "none" },
    endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org", gcpManagedZone: "acme-org" },
    hub: { auth: { kind: "openhexa", appUrl: "https://app.acme.org" } },
  };
  /** GKE with overrides; a login of another kind replaces the openhexa one. */
  const gke = (overrides: RawValues) => {
    const merged = structuredClone(deepMerge(GKE, overrides));
    const auth = (overrides.hub as RawValues | undefined)?.auth as RawValues | undefined;
    if (auth?.kind) (merged.hub as RawValues).auth = auth;
    return merged;
  };
  const gitlab = { kind: "gitlab", clientId: "id", clientSecret: "x", allowedGroups: ["acme"] };
  const SECRET_PATHS = ["hub.auth.clientSecret", "database.external.admin.password"];

  it("plans the examples' shapes without a problem", () => {
    expect(problemsOf(GKE)).toEqual([]);
    expect(problemsOf(gke({ hub: { auth: gitlab, renku: {} } }), SECRET_PATHS)).toEqual([]);
  });

  it("key the openhexa login's mistakes to its keys, and want https on a public load balancer", () => {
    expect(problemsOf(gke({ hub: { auth: { appUrl: "http://app.acme.org/login", sessionCookieName: "a b" } } }))).toEqual([
      "hubfleet:hub.auth.appUrl: appUrl http://app.acme.org/login must be https: the App's session cookie is secure-only",
      "hubfleet:hub.auth.appUrl: appUrl http://app.acme.org/login must be the App's origin, without a path",
      "hubfleet:hub.auth.sessionCookieName: sessionCookieName a b is not a cookie name",
    ]);
    const plain = gke({});
    delete (plain.endpoint as RawValues).letsencryptEmail;
    expect(problemsOf(plain)).toContain(
      "hubfleet:endpoint.hostname: is required for the openhexa login on a public load balancer: the App's session cookie travels only over https (set endpoint.hostname and endpoint.letsencryptEmail)",
    );
  });

  it("give the openhexa login its defaults", () => {
    const hub = planOf({ hub: { auth: { kind: "openhexa", appUrl: "https://app.acme.org", admins: [] } } }).tenant!.hub;
    expect(hub.auth).toEqual({
      kind: "openhexa",
      appUrl: "https://app.acme.org",
      credentialsPath: "/notebooks/credentials/",
      sessionCookieName: "sessionid",
      admins: [],
    });
  });

  it("refuse the Renku-style preset without the gitlab login, and key its choices", () => {
    expect(problemsOf(gke({ hub: { renku: {} } }))).toEqual([
      "hubfleet:hub.renku: needs the gitlab login (hub.auth.kind gitlab), not openhexa: servers clone GitLab projects with the user's token",
    ]);
    const renku = { choices: { cpu: [], gpu: [0, 1] }, projects: ["acme/analysis", "lonely"] };
    expect(problemsOf(gke({ hub: { auth: { ...gitlab, url: "http://gitlab.acme.org" }, renku } }), SECRET_PATHS)).toEqual([
      "hubfleet:hub.auth.url: http://gitlab.acme.org must be an https origin such as https://gitlab.com",
      "hubfleet:hub.renku.choices.cpu: is empty: give at least one",
      "hubfleet:hub.renku.choices.gpu: offers GPUs, but the cluster has no GPU pool",
      "hubfleet:hub.renku.projects: project lonely is not a GitLab path such as group/project",
    ]);
    // With a GPU pool, GPU choices are fine.
    expect(
      problemsOf(gke({ cluster: { gke: { gpu: {} } }, hub: { auth: gitlab, renku: { choices: { gpu: [0, 1] } } } }), SECRET_PATHS),
    ).toEqual([]);
  });

  it("give the preset the seed's server options by default", () => {
    const hub = planOf({ hub: { auth: { ...gitlab, allowedGroups: [] }, renku: {} } }, SECRET_PATHS).tenant!.hub;
    expect(hub.renku).toEqual({
      defaultRef: "main",
      projects: [],
      homeVolume: false,
      autosave: true,
      repoSizeLimit: "10Gi",
      choices: { cpu: [0.5, 1], memory: ["1G", "2G"], gpu: [0], defaultUrl: ["/lab"] },
    });
  });

  it("key Route53's rules: one DNS home, a host name inside the zone, an aws region, a public address", () => {
    expect(problemsOf(gke({ endpoint: { route53Zone: { name: "other.org" } } }))).toEqual([
      "hubfleet:aws: is required with endpoint.route53Zone: set aws.region (the provider for the account holding the zone)",
      "hubfleet:endpoint.hostname: hub.acme.org is not inside the hosted zone other.org",
      "hubfleet:endpoint.route53Zone: and endpoint.gcpManagedZone both hold the hub's name: keep one",
    ]);
    expect(problemsOf(deepMerge(LOCAL_TENANT, { aws: { region: "eu-west-1" }, endpoint: { route53Zone: { id: "not-a-zone" } } }))).toEqual([
      "hubfleet:endpoint.hostname: is required with endpoint.route53Zone: it is the record to create",
      "hubfleet:endpoint.route53Zone: needs a public address to point at, which a local cluster has not",
    ]);
    const withId = gke({ aws: { region: "eu-west-1" }, endpoint: { gcpManagedZone: undefined, route53Zone: { id: "zone1" } } });
    expect(problemsOf(withId)).toEqual([
      "hubfleet:endpoint.route53Zone.id: zone1 is not a Route53 hosted zone id (Z followed by capitals and digits)",
    ]);
  });

  it("make the aws provider for Route53 alone, and plan the records instead of Cloud DNS", () => {
    const values = gke({ aws: { region: "eu-west-1" }, endpoint: { route53Zone: { name: "acme.org" } } });
    delete (values.endpoint as RawValues).gcpManagedZone;
    const estate = planStack({ values, securePaths: new Set() });
    expect(estate.providers.aws).toMatchObject({ region: "eu-west-1" });
    expect(estate.tenant!.endpoint).toMatchObject({
      kind: "gcp",
      args: { managedZone: undefined },
      route53: { hostname: "hub.acme.org", zone: { name: "acme.org" } },
    });
  });

  it("key the database kinds none and external", () => {
    expect(problemsOf(gke({ database: { kind: "external" } }))).toEqual([
      "hubfleet:database.external: is required when database.kind is external: set host and admin (user, and password as a secret)",
    ]);
    const external = { kind: "external", external: { host: "10.20.0.3", sslMode: "disable", admin: { user: "postgres", password: "pw" } } };
    expect(problemsOf(gke({ database: external }), SECRET_PATHS)).toEqual([
      "hubfleet:database.external.sslMode: sslMode disable would send passwords in clear to a server outside the cluster; use require or stricter",
    ]);
    // The admin password is a secret: plain text is refused.
    expect(problemsOf(gke({ database: external }))).toContain(
      "hubfleet:database.external.admin.password: is plain text, but this setting is a secret; store it with `pulumi config set --secret --path '<key path>' <value>`",
    );
    expect(problemsOf(gke({ database: { explorePostgis: true } }))).toEqual([
      "hubfleet:database.explorePostgis: is true, but database.kind none has no explore database",
    ]);
    expect(problemsOf(gke({ database: { kind: "cloudsql", external: external.external } }), SECRET_PATHS)).toEqual([
      "hubfleet:database.external: is set, but database.kind is cloudsql; set database.kind: external to use it",
    ]);
  });

  it("plan the external server's defaults and PostGIS for every kind that has an explore database", () => {
    const values = gke({
      database: {
        kind: "external",
        explorePostgis: true,
        external: { host: "db.acme.internal", admin: { user: "postgres", password: "pw" } },
      },
    });
    const database = planStack({ values, securePaths: new Set(SECRET_PATHS) }).tenant!.database;
    expect(database).toMatchObject({
      kind: "external",
      args: {
        tenant: "acme",
        host: "db.acme.internal",
        port: 5432,
        sslMode: "require",
        postgis: true,
        admin: { user: "postgres", database: "postgres" },
      },
    });
    expect(planOf({ database: { explorePostgis: true } }).tenant!.database).toMatchObject({ kind: "incluster", args: { postgis: true } });
  });
});

describe("random invalid configs", () => {
  // Any JSON at any key: the answer is a valid config or a keyed ConfigError, never a crash.
  const json = fc.jsonValue({ maxDepth: 3 });
  const keys = fc.constantFrom(
    "tenant",
    "cluster",
    "database",
    "storage",
    "endpoint",
    "hub",
    "gcp",
    "aws",
    "digitalocean",
    "role",
    "bogus",
  );
  const paths = fc.array(fc.constantFrom("name", "kind", "auth", "singleuser", "profiles", "cpu", "memory", "gke", "s3", "hostname", "0"), {
    maxLength: 3,
  });

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
