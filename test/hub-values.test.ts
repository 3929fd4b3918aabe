import { describe, expect, it } from "vitest";
import { anywhereScheduling, dedicatedPoolScheduling, USER_POOL_TAINT } from "../components/cluster/scheduling";
import { buildHubValues, proxyValues, type HubValuesInput } from "../components/hub/values";
import type { EstatePlan } from "../stacks/plan";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";
import { planOf } from "./support/configs";

const config = planOf;

function input(stack: EstatePlan, overrides: Partial<HubValuesInput> = {}): HubValuesInput {
  const endpoint = stack.tenant!.endpoint;
  const args = endpoint.kind === "local" ? { hostname: endpoint.hostname } : endpoint.args;
  return {
    hub: stack.tenant!.hub,
    scheduling: anywhereScheduling(),
    endpoint: {
      hostname: args.hostname,
      letsencryptEmail: "letsencryptEmail" in args ? args.letsencryptEmail : undefined,
      serviceType: endpoint.kind === "local" ? "ClusterIP" : "LoadBalancer",
    },
    hubDatabaseUrl: { secretName: "hubfleet-hub-db", key: "url" },
    authSecretName: "hubfleet-auth",
    notebookEnv: { secretName: "hubfleet-notebook-env", names: ["EXPLORE_DB_URL", "S3_BUCKET_NAME_LAKE"] },
    notebookEgress: [],
    ...overrides,
  };
}

const get = (values: Record<string, unknown>, path: string): unknown =>
  path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);

const GITHUB = {
  auth: {
    kind: "github",
    clientId: "Iv1.abc",
    clientSecret: "s3cret-value",
    admins: ["ada"],
    allowedUsers: ["bob", "ada"],
    allowedOrganizations: ["acme:data"],
  },
};
const CLOUD = (extra: Record<string, unknown> = {}) =>
  config(
    {
      cluster: { kind: "gke" },
      gcp: { project: "acme-project", region: "europe-west1" },
      endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" },
      hub: extra,
    },
    ["hub.auth.clientSecret"],
  );

describe("hub database", () => {
  it("is postgres, its URL read from a Secret by name, never a literal", () => {
    const values = buildHubValues(input(config()));
    expect(get(values, "hub.db")).toEqual({ type: "postgres", upgrade: true });
    expect(get(values, "hub.extraEnv.HUBFLEET_HUB_DB_URL")).toEqual({
      valueFrom: { secretKeyRef: { name: "hubfleet-hub-db", key: "url" } },
    });
    expect(String(get(values, "hub.extraConfig.hubfleet-00-database"))).toContain('os.environ["HUBFLEET_HUB_DB_URL"]');
    expect(JSON.stringify(values)).not.toMatch(/postgres(ql)?:\/\//);
  });
});

describe("authentication", () => {
  it("github: organizations and teams, admins and the allow list, the client secret from the auth Secret", () => {
    const stack = config(
      {
        cluster: { kind: "gke" },
        gcp: { project: "acme-project", region: "europe-west1" },
        hub: GITHUB,
        endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" },
      },
      ["hub.auth.clientSecret"],
    );
    const values = buildHubValues(input(stack));
    expect(get(values, "hub.config.JupyterHub.authenticator_class")).toBe("github");
    expect(get(values, "hub.config.Authenticator")).toEqual({ admin_users: ["ada"], allowed_users: ["ada", "bob"] });
    expect(get(values, "hub.config.GitHubOAuthenticator")).toEqual({
      client_id: "Iv1.abc",
      oauth_callback_url: "https://hub.acme.org/hub/oauth_callback",
      allowed_organizations: ["acme:data"],
      scope: ["read:org"],
    });
    expect(get(values, "hub.extraEnv.HUBFLEET_OAUTH_CLIENT_SECRET")).toEqual({
      valueFrom: { secretKeyRef: { name: "hubfleet-auth", key: "oauth-client-secret" } },
    });
    expect(JSON.stringify(values)).not.toContain("s3cret-value");
  });

  it("google: hosted domains are the gate, narrowed by an allow list when there is one", () => {
    const values = buildHubValues(
      input(CLOUD({ auth: { kind: "google", clientId: "id", clientSecret: "x", hostedDomains: ["acme.org"] } })),
    );
    expect(get(values, "hub.config.JupyterHub.authenticator_class")).toBe("google");
    expect(get(values, "hub.config.GoogleOAuthenticator")).toMatchObject({ hosted_domain: ["acme.org"], allow_all: true });
    const listed = buildHubValues(
      input(CLOUD({ auth: { kind: "google", clientId: "id", clientSecret: "x", hostedDomains: ["acme.org"], allowedUsers: ["ada"] } })),
    );
    expect(get(listed, "hub.config.GoogleOAuthenticator")).toEqual({
      client_id: "id",
      oauth_callback_url: "https://hub.acme.org/hub/oauth_callback",
      hosted_domain: ["acme.org"],
    });
    expect(get(listed, "hub.config.Authenticator")).toMatchObject({ allowed_users: ["ada"] });
  });

  it("gitlab: instance URL and groups, asking only for the scopes it needs", () => {
    const values = buildHubValues(
      input(
        CLOUD({
          auth: { kind: "gitlab", clientId: "id", clientSecret: "x", url: "https://gitlab.renku.ch", allowedGroups: ["renku/users"] },
        }),
      ),
    );
    expect(get(values, "hub.config.GitLabOAuthenticator")).toMatchObject({
      gitlab_url: "https://gitlab.renku.ch",
      allowed_gitlab_groups: ["renku/users"],
      scope: ["read_api", "read_user"],
    });
    expect(get(values, "hub.config.JupyterHub.authenticator_class")).toBe("gitlab");
    const anyone = buildHubValues(input(CLOUD({ auth: { kind: "gitlab", clientId: "id", clientSecret: "x" } })));
    expect(get(anyone, "hub.config.GitLabOAuthenticator")).toMatchObject({ scope: ["read_user"] });
  });

  it("generic OAuth: endpoints, claim and scopes", () => {
    const values = buildHubValues(
      input(
        CLOUD({
          auth: {
            kind: "generic",
            clientId: "id",
            clientSecret: "x",
            authorizeUrl: "https://id.acme.org/authorize",
            tokenUrl: "https://id.acme.org/token",
            userdataUrl: "https://id.acme.org/userinfo",
          },
        }),
      ),
    );
    expect(get(values, "hub.config.JupyterHub.authenticator_class")).toBe("generic-oauth");
    expect(get(values, "hub.config.GenericOAuthenticator")).toMatchObject({
      authorize_url: "https://id.acme.org/authorize",
      token_url: "https://id.acme.org/token",
      userdata_url: "https://id.acme.org/userinfo",
      username_claim: "preferred_username",
      scope: ["openid", "profile", "email"],
    });
  });

  it("dummy: admins, and everyone when no allow list is given", () => {
    const values = buildHubValues(input(config()));
    expect(get(values, "hub.config.JupyterHub.authenticator_class")).toBe("dummy");
    expect(get(values, "hub.config.Authenticator")).toEqual({ admin_users: ["admin"] });
    expect(get(values, "hub.config.DummyAuthenticator")).toEqual({ allow_all: true });
    expect(get(values, "hub.extraEnv.HUBFLEET_OAUTH_CLIENT_SECRET")).toBeUndefined();
  });
});

describe("singleuser", () => {
  const stack = config({
    hub: {
      singleuser: {
        image: { name: "quay.io/jupyter/datascience-notebook", tag: "2025-10-20" },
        cpu: { guarantee: 1, limit: 4 },
        memory: { guarantee: "2G", limit: "8G" },
        storage: "20Gi",
        env: { TEAM: "data" },
        profiles: [
          { name: "Small", default: true },
          { name: "Big", memory: { guarantee: "8G", limit: "16G" } },
        ],
        autosaveSeconds: 5,
      },
    },
  });
  const values = buildHubValues(input(stack, { storageClass: "standard-rwo" }));

  it("takes the pinned image, resources, /lab and the home volume", () => {
    expect(get(values, "singleuser.image")).toEqual({ name: "quay.io/jupyter/datascience-notebook", tag: "2025-10-20" });
    expect(get(values, "singleuser.cpu")).toEqual({ guarantee: 1, limit: 4 });
    expect(get(values, "singleuser.memory")).toEqual({ guarantee: "2G", limit: "8G" });
    expect(get(values, "singleuser.defaultUrl")).toBe("/lab");
    expect(get(values, "singleuser.storage")).toEqual({ type: "dynamic", capacity: "20Gi", dynamic: { storageClass: "standard-rwo" } });
  });

  it("gets plain env as values and the notebook variables by Secret reference", () => {
    expect(get(values, "singleuser.extraEnv.TEAM")).toBe("data");
    expect(get(values, "singleuser.extraEnv.EXPLORE_DB_URL")).toEqual({
      valueFrom: { secretKeyRef: { name: "hubfleet-notebook-env", key: "EXPLORE_DB_URL" } },
    });
  });

  it("lists profiles with KubeSpawner overrides and one default", () => {
    expect(get(values, "singleuser.profileList")).toEqual([
      { display_name: "Small", description: "", default: true },
      { display_name: "Big", description: "", kubespawner_override: { mem_guarantee: "8G", mem_limit: "16G" } },
    ]);
  });

  it("sets JupyterLab's autosave interval for every user", () => {
    expect(get(values, "singleuser.extraFiles")).toEqual({
      "hubfleet-lab-overrides": {
        mountPath: "/opt/conda/share/jupyter/lab/settings/overrides.json",
        data: { "@jupyterlab/docmanager-extension:plugin": { autosaveInterval: 5 } },
      },
    });
  });

  it("sends a GPU profile to the GPU pool with its taints tolerated", () => {
    const gpuStack = config(
      {
        cluster: { kind: "gke", gke: { gpu: {} } },
        gcp: { project: "acme-project", region: "europe-west1" },
        endpoint: { hostname: "hub.acme.org", letsencryptEmail: "ops@acme.org" },
        hub: { ...GITHUB, singleuser: { profiles: [{ name: "GPU", gpus: 1 }] } },
      },
      ["hub.auth.clientSecret"],
    );
    const scheduling = dedicatedPoolScheduling({ gpu: true });
    const [profile] = get(buildHubValues(input(gpuStack, { scheduling })), "singleuser.profileList") as Record<
      string,
      Record<string, unknown>
    >[];
    expect(profile!.kubespawner_override).toEqual({
      extra_resource_limits: { "nvidia.com/gpu": "1" },
      node_selector: scheduling.gpu!.nodeSelector,
      tolerations: scheduling.gpu!.tolerations,
    });
  });
});

describe("scheduling and culling", () => {
  it("follows dedicated pools: user pods require the user pool and tolerate its taint, core pods the system pool", () => {
    const values = buildHubValues(input(config(), { scheduling: dedicatedPoolScheduling() }));
    expect(get(values, "scheduling.userPods")).toEqual({
      nodeAffinity: { matchNodePurpose: "require" },
      tolerations: [{ key: USER_POOL_TAINT.key, operator: "Equal", value: USER_POOL_TAINT.value, effect: USER_POOL_TAINT.effect }],
    });
    expect(get(values, "scheduling.corePods")).toEqual({ nodeAffinity: { matchNodePurpose: "require" }, tolerations: [] });
  });

  it("takes the user scheduler, pod priority, placeholders and culling from config", () => {
    const stack = config({ hub: { scheduling: { userPlaceholders: 3 }, culling: { timeout: 7200, every: 300, maxAge: 36000 } } });
    const values = buildHubValues(input(stack));
    expect(get(values, "scheduling.userScheduler.enabled")).toBe(true);
    expect(get(values, "scheduling.podPriority.enabled")).toBe(true);
    expect(get(values, "scheduling.userPlaceholder")).toEqual({ enabled: true, replicas: 3 });
    expect(get(values, "cull")).toEqual({ enabled: true, users: false, timeout: 7200, every: 300, maxAge: 36000 });
  });
});

describe("proxy", () => {
  it("serves https with letsencrypt when the tenant has a host name", () => {
    expect(
      proxyValues({
        hostname: "hub.acme.org",
        letsencryptEmail: "ops@acme.org",
        loadBalancerIp: "203.0.113.7",
        serviceType: "LoadBalancer",
      }),
    ).toEqual({
      service: { type: "LoadBalancer", loadBalancerIP: "203.0.113.7" },
      https: { enabled: true, type: "letsencrypt", hosts: ["hub.acme.org"], letsencrypt: { contactEmail: "ops@acme.org" } },
    });
  });

  it("serves plain http without one, on a ClusterIP service for local clusters", () => {
    expect(proxyValues({ serviceType: "ClusterIP" })).toEqual({ service: { type: "ClusterIP" }, https: { enabled: false } });
  });

  it("never carries the chart's secrets: they are generated by the chart and kept by its lookup", () => {
    const values = buildHubValues(input(config()));
    expect(get(values, "proxy.secretToken")).toBeUndefined();
    expect(get(values, "hub.cookieSecret")).toBeUndefined();
    expect(get(values, "hub.config.ConfigurableHTTPProxy")).toBeUndefined();
  });
});

describe.skipIf(!chartFilesPresent)("the chart's schema", () => {
  it.each([
    ["a local tenant", input(config())],
    [
      "github with https and dedicated pools",
      input(CLOUD(GITHUB), {
        scheduling: dedicatedPoolScheduling(),
        endpoint: {
          hostname: "hub.acme.org",
          letsencryptEmail: "ops@acme.org",
          loadBalancerIp: "203.0.113.7",
          serviceType: "LoadBalancer",
        },
      }),
    ],
    [
      "keyless storage and egress",
      input(config(), {
        webIdentity: { serviceAccountName: "notebook", audience: "sts.amazonaws.com" },
        notebookEgress: [{ to: [{ ipBlock: { cidr: "10.0.0.5/32" } }], ports: [{ port: 5432, protocol: "TCP" }] }],
      }),
    ],
  ])("accepts the values of %s", (_name, hubInput) => {
    expect(chartSchemaErrors(buildHubValues(hubInput))).toEqual([]);
  });

  it("rejects values the chart does not know (the check can fail)", () => {
    expect(chartSchemaErrors({ hub: { notAKey: true } })).not.toEqual([]);
  });
});

if (!chartFilesPresent) it.skip(SKIP_REASON, () => undefined);

describe("hub arguments", () => {
  it("refuse a release name Helm would refuse", async () => {
    const { validateHubArgs } = await import("../components/hub/hub");
    expect(() => validateHubArgs({ releaseName: "acme-hub" })).not.toThrow();
    expect(() => validateHubArgs({ releaseName: `${"a".repeat(50)}-hub` })).toThrow(/longer than Helm's 53 characters/);
    expect(() => validateHubArgs({ releaseName: "Acme_hub" })).toThrow(/not a DNS label/);
  });
});
