/**
 * The image builds and the workshop dashboard as the stack config reaches them: each
 * mistake a keyed problem from the plan, and the rendered examples (out/) holding the
 * builds, registries, digest references and the dashboard beside the hub.
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../stacks/config/load";
import { plan } from "../stacks/plan";
import { deepMerge, LOCAL_TENANT, planOf, problemsOf, type RawValues } from "./support/configs";
import { stackFileConfig } from "./support/program";
import { renderedFiles, renderedHubValues, renderedPlan } from "./support/rendered";

const local = (overrides: RawValues) => problemsOf(deepMerge(LOCAL_TENANT, overrides));

/** The pipalhub stack file with overrides, planned: its secure paths kept. */
function pipalhubProblems(overrides: RawValues): string[] {
  const raw = stackFileConfig("pipalhub");
  const result = plan(parseStackConfig({ values: deepMerge(raw.values, overrides), securePaths: raw.securePaths }));
  return result.ok ? [] : [...result.problems];
}

describe("image choices in config", () => {
  it("build an image of images/, or run a pinned external one, for the default server and each profile", () => {
    const tenant = planOf({
      hub: {
        singleuser: {
          image: { build: "workshop", packages: { pip: ["ipytail==0.1.2"] } },
          profiles: [
            { name: "Data", image: { build: "datascience" } },
            { name: "Scipy", image: { name: "quay.io/jupyter/scipy-notebook", tag: "2025-10-20" } },
          ],
        },
      },
    }).tenant!;
    expect(tenant.images.choices).toEqual([
      { build: "workshop", packages: { conda: [], pip: ["ipytail==0.1.2"] } },
      { build: "datascience" },
      // The older {name, tag} form is an external reference pinned by its tag.
      { external: "quay.io/jupyter/scipy-notebook:2025-10-20" },
    ]);
    expect(tenant.images.registry).toEqual({ kind: "local", args: { address: "localhost:5001" } });
  });

  it("need no registry when nothing is built", () => {
    expect(planOf().tenant!.images.registry).toBeUndefined();
  });

  it("are refused, keyed, when unknown, unpinned, on latest or with unpinned packages", () => {
    expect(local({ hub: { singleuser: { image: { build: "dashboard" } } } })).toEqual([
      expect.stringMatching(
        /^hubfleet:hub\.singleuser\.image: "dashboard" is not an image of images\/: choose one of datascience, workshop/,
      ),
    ]);
    expect(local({ hub: { singleuser: { profiles: [{ name: "x", image: { external: "quay.io/jupyter/scipy-notebook" } }] } } })).toEqual([
      expect.stringMatching(/^hubfleet:hub\.singleuser\.profiles\[0\]\.image: .* is not pinned/),
    ]);
    expect(local({ hub: { singleuser: { image: { external: "quay.io/jupyter/scipy-notebook:latest" } } } })).toEqual([
      expect.stringMatching(/^hubfleet:hub\.singleuser\.image: .* uses latest/),
    ]);
    expect(local({ hub: { singleuser: { image: { build: "workshop", packages: { pip: ["pandas>=2"] } } } } })).toEqual([
      expect.stringMatching(/^hubfleet:hub\.singleuser\.image: packages\.pip\[0\] "pandas>=2" must be a PyPI requirement pinned with ==/),
    ]);
  });

  it("refuse home-seed files outside the home, keyed at hub.homeSeed", () => {
    expect(local({ hub: { homeSeed: [{ path: "../etc/passwd", content: "x" }] } })).toEqual([
      expect.stringMatching(/^hubfleet:hub\.homeSeed: "\.\.\/etc\/passwd" must be a relative path inside the home/),
    ]);
  });

  it("need the account's registry name on doks when anything is built, and give the cluster its registry integration", () => {
    expect(pipalhubProblems({})).toEqual([]);
    const raw = stackFileConfig("pipalhub");
    const values = structuredClone(raw.values);
    delete ((values.images as RawValues).registry as RawValues).digitalocean;
    const result = plan(parseStackConfig({ values, securePaths: raw.securePaths }));
    expect(result.ok ? [] : result.problems).toContainEqual(
      expect.stringMatching(/^hubfleet:images\.registry\.digitalocean\.registryName: is required to build images on doks/),
    );
    const planned = plan(parseStackConfig(raw));
    expect(planned.ok && planned.plan.cluster.kind === "doks" && planned.plan.cluster.args.registryIntegration).toBe(true);
  });

  it("leave images.build to sharedCluster stacks", () => {
    expect(local({ images: { build: ["datascience"] } })).toEqual([
      "hubfleet:images.build: is for sharedCluster stacks; a tenant chooses its images in hub.singleuser.image and profiles",
    ]);
  });
});

describe("the dashboard in config", () => {
  it("is off unless enabled; on, its instructors default to the admins", () => {
    expect(planOf().tenant!.dashboard).toBeUndefined();
    const dashboard = planOf({ services: { dashboard: { enabled: true } } }).tenant!.dashboard!;
    expect(dashboard).toMatchObject({ instructors: ["admin"], storage: { kind: "volume", size: "1Gi" }, hookTimeoutSeconds: 3 });
    // The dashboard's image is built: a registry follows.
    expect(planOf({ services: { dashboard: { enabled: true } } }).tenant!.images).toMatchObject({
      serviceImages: ["dashboard"],
      registry: { kind: "local" },
    });
  });

  it("refuses instructors who cannot log in, bad sizes and a sharedCluster stack, each keyed", () => {
    expect(pipalhubProblems({ services: { dashboard: { instructors: ["anand", "zed"] } } })).toEqual([
      "hubfleet:services.dashboard.instructors[1]: zed is not a participant, so cannot log in",
    ]);
    expect(local({ services: { dashboard: { enabled: true, instructors: [] } } })).toEqual([
      "hubfleet:services.dashboard.instructors: name at least one instructor: nobody else may open the dashboard",
    ]);
    expect(local({ services: { dashboard: { enabled: true, cpu: { request: "lots", limit: "1" } } } })).toEqual([
      expect.stringMatching(/^hubfleet:services\.dashboard\.cpu\.request: lots is not a Kubernetes quantity/),
    ]);
    const cluster = stackFileConfig("habari-cluster");
    const result = plan(
      parseStackConfig({
        values: deepMerge(cluster.values, { services: { dashboard: { enabled: true } } }),
        securePaths: cluster.securePaths,
      }),
    );
    expect(result.ok ? [] : result.problems).toContainEqual(
      expect.stringMatching(/^hubfleet:services\.dashboard\.enabled: is true, but a sharedCluster stack holds no hub/),
    );
  });
});

describe("the rendered examples", () => {
  it("pipalhub builds workshop and its derived image and the dashboard into its DigitalOcean registry, and runs them by digest", () => {
    const resources = renderedPlan("pipalhub").resources;
    const builds = resources.filter((r) => r.type === "docker-build:index:Image");
    expect(builds.map((r) => r.name).sort()).toEqual([
      "pipalhub-dashboard-image-build",
      "pipalhub-images-workshop-build",
      "pipalhub-images-workshop-pipalhub-build",
    ]);
    for (const build of builds) {
      expect(build.inputs.push).toBe(true);
      expect(build.inputs.platforms).toEqual(["linux/amd64"]);
      expect(String((build.inputs.tags as string[])[0])).toMatch(/^registry\.digitalocean\.com\/pipalhub\/[a-z-]+:content-[0-9a-f]{16}$/);
    }
    expect(
      resources.some(
        (r) => r.type === "digitalocean:index/containerRegistry:ContainerRegistry" && r.inputs.subscriptionTierSlug === "basic",
      ),
    ).toBe(true);
    expect(resources.find((r) => r.type === "digitalocean:index/kubernetesCluster:KubernetesCluster")!.inputs.registryIntegration).toBe(
      true,
    );
    const singleuser = renderedHubValues("pipalhub").singleuser as { image: { name: string; tag: string; pullSecrets: string[] } };
    expect(singleuser.image).toEqual({
      name: "registry.digitalocean.com/pipalhub/workshop-pipalhub@sha256",
      tag: "<pipalhub-images-workshop-pipalhub-build.digest>",
      pullSecrets: ["registry-pipalhub"],
    });
    const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "pipalhub-dashboard-deployment")!;
    const container = (deployment.inputs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!;
    expect(container.image).toBe("registry.digitalocean.com/pipalhub/dashboard@sha256:<pipalhub-dashboard-image-build.digest>");
  });

  it("pipalhub runs the dashboard beside the hub: Deployment, Service, NetworkPolicy, volume, registration, roles and the post-save hook", () => {
    const resources = renderedPlan("pipalhub").resources;
    const release = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    for (const type of [
      "kubernetes:apps/v1:Deployment",
      "kubernetes:core/v1:Service",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:core/v1:PersistentVolumeClaim",
    ]) {
      expect(
        resources.find((r) => r.type === type && r.name.startsWith("pipalhub-dashboard-")),
        type,
      ).toBeDefined();
    }
    // The pod starts after the release, whose chart keeps the service's token in its hub Secret.
    expect(resources.find((r) => r.name === "pipalhub-dashboard-deployment")!.dependencies).toContain(release.urn);
    const values = renderedHubValues("pipalhub") as {
      hub: Record<string, Record<string, unknown>>;
      singleuser: Record<string, Record<string, unknown>>;
    };
    expect(values.hub.services).toEqual({ dashboard: { url: "http://dashboard:8000", display: true, oauth_no_confirm: true } });
    expect(values.hub.loadRoles!["dashboard-users"]).toMatchObject({ scopes: ["access:services!service=dashboard"], users: ["anand"] });
    expect(Object.keys(values.singleuser.extraFiles!)).toEqual(
      expect.arrayContaining(["hubfleet-lab-overrides", "hubfleet-dashboard-hook-server", "hubfleet-dashboard-hook-notebook"]),
    );
    expect(values.singleuser.extraEnv).toMatchObject({
      HUBFLEET_DASHBOARD_URL: "http://dashboard:8000/services/dashboard/api/events",
      HUBFLEET_DASHBOARD_TIMEOUT: "3",
    });
    const egress = (values.singleuser.networkPolicy as { egress: unknown[] }).egress;
    expect(egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "dashboard", "hubfleet.io/hub-service": "dashboard" } } }],
      ports: [{ port: 8000, protocol: "TCP" }],
    });
    expect(renderedFiles("pipalhub")["pipalhub/README.md"] ?? renderedFiles("pipalhub")["README.md"]).toMatch(
      /svc0\(\["hub service dashboard: \/services\/dashboard\/"\]\)/,
    );
  });

  it("puts no token or database URL in pipalhub's values, plan or outputs", () => {
    const files = renderedFiles("pipalhub");
    const text = Object.values(files).join("\n");
    expect(text).not.toMatch(/postgres(ql)?:\/\/[^<\s"]*:[^<\s"@]+@/);
    expect(text).not.toMatch(/JUPYTERHUB_API_TOKEN"?,\s*"?value"?:/);
    expect(JSON.stringify(renderedPlan("pipalhub"))).toContain('"key":"hub.services.dashboard.apiToken"');
  });

  it("the Habari cluster stack builds datascience once and exports it; its tenants run that digest", () => {
    const cluster = renderedPlan("habari-cluster");
    expect(cluster.resources.filter((r) => r.type === "docker-build:index:Image").map((r) => r.name)).toEqual([
      "habari-images-datascience-build",
    ]);
    const repository = cluster.resources.find((r) => r.type === "gcp:artifactregistry/repository:Repository")!;
    expect(repository.inputs).toMatchObject({ format: "DOCKER", repositoryId: "habari-images" });
    const reader = cluster.resources.find((r) => r.type === "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")!;
    expect(reader.inputs).toMatchObject({ role: "roles/artifactregistry.reader", member: expect.stringMatching(/^serviceAccount:/) });
    expect(cluster.outputs.notebookImages).toEqual({
      datascience: expect.stringMatching(/\/habari-images\/datascience@sha256:<habari-images-datascience-build\.digest>$/),
    });
    for (const tenant of ["habari-nairobi", "habari-kisumu"]) {
      // Only nairobi's own service image (the Knowledge Repo) is built by a tenant, in the cluster's repository.
      const builds = renderedPlan(tenant).resources.filter((r) => r.type === "docker-build:index:Image");
      expect(
        builds.map((r) => (r.inputs.tags as string[])[0]),
        tenant,
      ).toEqual(
        tenant === "habari-nairobi"
          ? [expect.stringMatching(/^<organization\/hubfleet\/habari-cluster\.imageRepository>\/knowledge-repo:content-[0-9a-f]{16}$/)]
          : [],
      );
      const image = (renderedHubValues(tenant).singleuser as { image: { name: string; tag: string } }).image;
      expect(`${image.name}:${image.tag}`, tenant).toMatch(
        /\/datascience@sha256:<organization\/hubfleet\/habari-cluster\.datascience\.digest>$/,
      );
    }
  });

  it("habari-nairobi runs the Knowledge Repo with its own isolated database and login, its URL only in a Secret, and git sync", () => {
    const resources = renderedPlan("habari-nairobi").resources;
    const byName = (name: string) => resources.find((r) => r.name === name)!;
    expect(byName("habari-nairobi-database-knowledge-user").inputs).toMatchObject({ name: "knowledge", password: "[secret]" });
    expect(byName("habari-nairobi-database-knowledge-database").inputs).toMatchObject({ name: "knowledge" });
    const script = JSON.stringify(
      resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.name.startsWith("habari-nairobi-database-isolation"))!.inputs,
    );
    expect(script).toContain('REVOKE ALL ON DATABASE \\"knowledge\\" FROM PUBLIC');
    expect(byName("habari-nairobi-knowledge-db-url").inputs).toMatchObject({
      metadata: { name: "hubfleet-knowledge-db" },
      stringData: { SQLALCHEMY_DATABASE_URI: "[secret]" },
    });
    type Container = { name: string; image: string; env?: unknown[] };
    const pod = (
      byName("habari-nairobi-knowledge-deployment").inputs.spec as {
        template: { spec: { containers: Container[]; initContainers?: Container[] } };
      }
    ).template.spec;
    const app = pod.containers.find((c) => c.image.includes("/knowledge-repo@sha256:"))!;
    expect(app.env).toContainEqual({
      name: "SQLALCHEMY_DATABASE_URI",
      valueFrom: { secretKeyRef: { name: "hubfleet-knowledge-db", key: "SQLALCHEMY_DATABASE_URI" } },
    });
    // git-sync as a native sidecar (an init container that keeps running).
    expect([...pod.containers, ...(pod.initContainers ?? [])].some((c) => c.image.startsWith("registry.k8s.io/git-sync/git-sync:"))).toBe(
      true,
    );
    const values = renderedHubValues("habari-nairobi") as {
      hub: { services: Record<string, { url: string }>; networkPolicy: { egress: unknown[] } };
    };
    expect(values.hub.services.knowledge!.url).toBe("http://hubfleet-knowledge.habari-nairobi.svc.cluster.local:7000");
    expect(values.hub.networkPolicy.egress.length).toBeGreaterThan(0);
    const text = Object.values(renderedFiles("habari-nairobi")).join("\n");
    expect(text).not.toMatch(/postgres(ql)?:\/\//);
    expect(text).not.toContain("v1:example-ciphertext");
  });

  it("refuses the Knowledge Repo on a sharedCluster stack and on a database kind without a third login", () => {
    const cluster = stackFileConfig("habari-cluster");
    const nairobi = stackFileConfig("habari-nairobi");
    const block = { knowledgeRepo: nairobi.values.knowledgeRepo };
    const secure = new Set([...cluster.securePaths, ...[...nairobi.securePaths].filter((p) => p.startsWith("knowledgeRepo"))]);
    const onCluster = plan(parseStackConfig({ values: deepMerge(cluster.values, block), securePaths: secure }));
    expect(onCluster.ok ? [] : onCluster.problems).toContainEqual(
      expect.stringMatching(/^hubfleet:knowledgeRepo: is set, but a sharedCluster stack holds no hub/),
    );
    const incluster = plan(
      parseStackConfig({ values: deepMerge(nairobi.values, { database: { kind: "incluster" } }), securePaths: nairobi.securePaths }),
    );
    expect(incluster.ok ? [] : incluster.problems).toEqual([
      "hubfleet:knowledgeRepo: needs a database and login of its own, which only database.kind cloudsql gives so far, not incluster",
    ]);
  });
});
