/**
 * The image components under the recording mock runtime: each cloud's registry,
 * the nodes' pull access, the build's provider-issued login (a secret, never a
 * literal), the build inputs docker-build receives, and the digest references.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import type * as pulumiTypes from "@pulumi/pulumi";

type Images = {
  ar: typeof import("../components/images/artifact-registry");
  docr: typeof import("../components/images/digitalocean-registry");
  local: typeof import("../components/images/local-registry");
  image: typeof import("../components/images/image");
  derived: typeof import("../components/images/derived-image");
  seed: typeof import("../components/images/home-seed");
  images: typeof import("../components/images/notebook-images");
  tags: typeof import("../components/images/content-tag");
  ref: typeof import("../components/images/reference");
  doks: typeof import("../components/cluster/doks");
};

const IMAGE = "docker-build:index:Image";
const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const READER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const DOCR = "digitalocean:index/containerRegistry:ContainerRegistry";
const DOCR_CREDENTIALS = "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials";
const NODE_ACCOUNT = "acme-nodes@acme-project.iam.gserviceaccount.com";

let plan: PlanRecorder;
let m: Images;
let pulumi: typeof pulumiTypes;
let gcpImage: InstanceType<Images["image"]["NotebookImage"]>;
let gcpRegistry: InstanceType<Images["ar"]["ArtifactRegistry"]>;
let doRegistry: InstanceType<Images["docr"]["DigitalOceanRegistry"]>;
let doImage: InstanceType<Images["image"]["NotebookImage"]>;
let doDerived: InstanceType<Images["derived"]["DerivedImage"]>;
let namedRegistry: InstanceType<Images["docr"]["DigitalOceanRegistry"]>;
let localImage: InstanceType<Images["image"]["NotebookImage"]>;
let seedFiles: InstanceType<Images["seed"]["HomeSeedFiles"]>;
let tenantImages: InstanceType<Images["images"]["NotebookImages"]>;
let sharedTenantImages: InstanceType<Images["images"]["NotebookImages"]>;
const SHARED_DATASCIENCE = `europe-west1-docker.pkg.dev/acme-project/acme-images/datascience@sha256:${"b".repeat(64)}`;
const PIPAL_PACKAGES = { conda: [], pip: ["ipytail==0.1.2"] };
let gcpProviderUrn: string;

/** The value inside an Output, secret or not (a test's own await, never an expect inside apply). */
function unwrap<T>(output: pulumiTypes.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  pulumi = await import("@pulumi/pulumi");
  const gcp = await import("@pulumi/gcp");
  const digitalocean = await import("@pulumi/digitalocean");
  m = {
    ar: await import("../components/images/artifact-registry"),
    docr: await import("../components/images/digitalocean-registry"),
    local: await import("../components/images/local-registry"),
    image: await import("../components/images/image"),
    derived: await import("../components/images/derived-image"),
    seed: await import("../components/images/home-seed"),
    images: await import("../components/images/notebook-images"),
    tags: await import("../components/images/content-tag"),
    ref: await import("../components/images/reference"),
    doks: await import("../components/cluster/doks"),
  };

  // GCP: the cluster stack's registry, readable by its nodes; the provider passed once, inherited.
  const gcpProvider = new gcp.Provider("gcp", { project: "acme-project", region: "europe-west1" });
  gcpRegistry = new m.ar.ArtifactRegistry(
    "acme-images",
    {
      tenant: "acme",
      project: "acme-project",
      location: "europe-west1",
      keepVersions: 5,
      readers: [NODE_ACCOUNT],
      labels: { "managed-by": "hubfleet" },
    },
    { providers: { gcp: gcpProvider } },
  );
  gcpImage = new m.image.NotebookImage("acme-datascience", { imageName: "datascience", registry: gcpRegistry });

  // DigitalOcean: the account's registry made here, and named by another stack.
  const doProvider = new digitalocean.Provider("digitalocean", {});
  doRegistry = new m.docr.DigitalOceanRegistry(
    "pipalhub-registry",
    { registryName: "pipal", create: true, tier: "basic", region: "blr1", credentialExpirySeconds: 3600 },
    { providers: { digitalocean: doProvider } },
  );
  doImage = new m.image.NotebookImage("pipalhub-workshop", { imageName: "workshop", registry: doRegistry });
  doDerived = new m.derived.DerivedImage("pipalhub-packages", {
    imageName: "workshop-pipalhub",
    base: doImage.ref,
    packages: { conda: [], pip: ["ipytail==0.1.2"] },
    registry: doRegistry,
  });
  namedRegistry = new m.docr.DigitalOceanRegistry("other-registry", {
    registryName: "pipal",
    create: false,
    tier: "basic",
    region: "blr1",
    credentialExpirySeconds: 1800,
  });
  const doksArgs = {
    tenant: "pipalhub",
    region: "blr1",
    version: "1.36",
    maintenance: { day: "sunday" as const, startTime: "20:00" },
    highAvailability: false,
    protect: false,
    destroyAssociatedResources: true,
    systemPool: { size: "medium", minNodes: 1, maxNodes: 2 },
    userPool: { size: "medium", minNodes: 0, maxNodes: 4 },
    tags: ["hubfleet"],
  };
  new m.doks.DoksCluster("pipalhub-cluster", { ...doksArgs, registryIntegration: true });
  new m.doks.DoksCluster("plain-cluster", { ...doksArgs, tenant: "plain" });

  // kind: the documented local registry.
  localImage = new m.image.NotebookImage("dev-workshop", {
    imageName: "workshop",
    registry: new m.local.LocalRegistry("dev-registry", {}),
  });
  // A tenant's choices: the default and two profiles, one with its own packages, one upstream image.
  tenantImages = new m.images.NotebookImages("dev-images", {
    tenant: "dev",
    registry: new m.local.LocalRegistry("dev-images-registry", {}),
    choices: [
      { build: "workshop" },
      { build: "workshop", packages: PIPAL_PACKAGES },
      { external: "quay.io/jupyter/scipy-notebook:2025-10-20" },
    ],
  });
  // A tenant of a shared cluster: the cluster stack built datascience; nothing is built here.
  sharedTenantImages = new m.images.NotebookImages("nairobi-images", {
    tenant: "nairobi",
    choices: [{ build: "datascience" }],
    prebuilt: { datascience: SHARED_DATASCIENCE },
  });
  seedFiles = new m.seed.HomeSeedFiles("pipalhub-home-seed", {
    tenant: "pipalhub",
    namespace: "pipalhub",
    files: [{ path: "Welcome.ipynb", content: "{}" }],
  });

  await settle();
  gcpProviderUrn = plan.one("pulumi:providers:gcp", "gcp").urn;
});

const DATASCIENCE_TAG = () => m.tags.folderContentTag(path.join(m.image.IMAGES_DIR, "datascience"));
const WORKSHOP_TAG = () => m.tags.folderContentTag(path.join(m.image.IMAGES_DIR, "workshop"));

describe("on GCP: an Artifact Registry repository", () => {
  it("is a Docker repository beside the cluster, through the stack's gcp provider", () => {
    const repository = plan.one(REPOSITORY, "acme-images-repository");
    expect(repository.inputs).toMatchObject({
      project: "acme-project",
      location: "europe-west1",
      repositoryId: "acme-images",
      format: "DOCKER",
      cleanupPolicyDryRun: false,
    });
    expect(repository.provider).toBe(gcpProviderUrn);
  });

  it("keeps the newest versions of each image and the build cache, and deletes older versions", () => {
    expect(plan.one(REPOSITORY, "acme-images-repository").inputs.cleanupPolicies).toEqual([
      { id: "keep-newest-versions", action: "KEEP", mostRecentVersions: { keepCount: 5 } },
      { id: "keep-build-cache", action: "KEEP", condition: { tagState: "TAGGED", tagPrefixes: ["buildcache"] } },
      { id: "delete-old-versions", action: "DELETE", condition: { tagState: "ANY", olderThan: "7d" } },
    ]);
  });

  it("lets the nodes' service account read it, and no one else", () => {
    const readers = plan.ofType(READER);
    expect(readers).toHaveLength(1);
    expect(readers[0]!.inputs).toMatchObject({
      role: "roles/artifactregistry.reader",
      member: `serviceAccount:${NODE_ACCOUNT}`,
      repository: "projects/acme-project/locations/europe-west1/repositories/acme-images",
    });
    expect(gcpRegistry.pullSecretNames).toEqual([]);
  });

  it("gives the build the deploying identity's access token as a secret login, never a key", async () => {
    expect(await pulumi.isSecret(gcpRegistry.login)).toBe(true);
    expect(await unwrap(gcpRegistry.login)).toEqual({
      address: "europe-west1-docker.pkg.dev",
      username: "oauth2accesstoken",
      password: "<gcp-client-config.accessToken>",
    });
    expect(plan.one(IMAGE, "acme-datascience-build").inputs.registries).toBe("[secret]");
  });
});

describe("a notebook image build", () => {
  it("builds its images/ folder for linux/amd64, tagged with the folder's content, and pushes it", () => {
    const build = plan.one(IMAGE, "acme-datascience-build");
    expect(build.inputs).toMatchObject({
      context: { location: "images/datascience" },
      platforms: ["linux/amd64"],
      push: true,
      buildOnPreview: false,
      tags: [`europe-west1-docker.pkg.dev/acme-project/acme-images/datascience:${DATASCIENCE_TAG()}`],
    });
    expect(gcpImage.tag).toBe(DATASCIENCE_TAG());
  });

  it("keeps its layer cache in the registry, under a tag of its own repository that cleanup keeps", () => {
    const cacheRef = "europe-west1-docker.pkg.dev/acme-project/acme-images/datascience:buildcache";
    expect(plan.one(IMAGE, "acme-datascience-build").inputs).toMatchObject({
      cacheFrom: [{ registry: { ref: cacheRef } }],
      cacheTo: [{ registry: { ref: cacheRef, mode: "max", imageManifest: true, ociMediaTypes: true } }],
    });
  });

  it("waits for the repository and its reader grant", () => {
    const build = plan.one(IMAGE, "acme-datascience-build");
    expect(build.dependencies).toEqual(
      expect.arrayContaining([plan.one(REPOSITORY, "acme-images-repository").urn, plan.one(READER, "acme-images-reader-0").urn]),
    );
  });

  it("gives the hub a digest reference, which the chart's name and tag reproduce", async () => {
    const ref = (await resolveOutputs(gcpImage.ref)) as string;
    expect(ref).toBe("europe-west1-docker.pkg.dev/acme-project/acme-images/datascience@sha256:<acme-datascience-build.digest>");
    const { name, tag } = m.ref.chartImage(ref);
    expect(`${name}:${tag}`).toBe(ref);
  });
});

describe("on DigitalOcean: the account's container registry", () => {
  it("is created by one stack (tier and region as given) and only named by the others", () => {
    const registries = plan.ofType(DOCR);
    expect(registries.map((r) => r.name)).toEqual(["pipalhub-registry-registry"]);
    expect(registries[0]!.inputs).toMatchObject({ name: "pipal", subscriptionTierSlug: "basic", region: "blr1" });
    expect(registries[0]!.provider).toBe(plan.one("pulumi:providers:digitalocean", "digitalocean").urn);
  });

  it("issues short-lived write credentials for each build, the login kept secret", async () => {
    expect(plan.one(DOCR_CREDENTIALS, "pipalhub-registry-push-credentials").inputs).toMatchObject({
      registryName: "pipal",
      write: true,
      expirySeconds: 3600,
    });
    expect(plan.one(DOCR_CREDENTIALS, "other-registry-push-credentials").inputs).toMatchObject({
      registryName: "pipal",
      write: true,
      expirySeconds: 1800,
    });
    expect(await pulumi.isSecret(doRegistry.login)).toBe(true);
    expect(await unwrap(doRegistry.login)).toEqual({
      address: "registry.digitalocean.com",
      username: "<pipalhub-registry-push-credentials.username>",
      password: "<pipalhub-registry-push-credentials.password>",
    });
    expect(await unwrap(namedRegistry.repository)).toBe("registry.digitalocean.com/pipal");
  });

  it("is pulled by DOKS nodes through the registry integration's pull secret", () => {
    expect(doRegistry.pullSecretNames).toEqual(["registry-pipal"]);
    expect(plan.one("digitalocean:index/kubernetesCluster:KubernetesCluster", "pipalhub-cluster-cluster").inputs.registryIntegration).toBe(
      true,
    );
    expect(plan.one("digitalocean:index/kubernetesCluster:KubernetesCluster", "plain-cluster-cluster").inputs).not.toHaveProperty(
      "registryIntegration",
    );
  });

  it("holds the workshop image and the tenant's derived image, built on the workshop image's digest", async () => {
    expect(plan.one(IMAGE, "pipalhub-workshop-build").inputs.tags).toEqual([`registry.digitalocean.com/pipal/workshop:${WORKSHOP_TAG()}`]);
    const derived = plan.one(IMAGE, "pipalhub-packages-build");
    const dockerfile = (derived.inputs.dockerfile as { inline: string }).inline;
    expect(dockerfile).toContain("FROM registry.digitalocean.com/pipal/workshop@sha256:<pipalhub-workshop-build.digest>\n");
    expect(dockerfile).toContain("'ipytail==0.1.2'");
    expect(derived.inputs).toMatchObject({ context: { location: "images/_derived" }, platforms: ["linux/amd64"], push: true });
    expect(derived.inputs.tags).toEqual([`registry.digitalocean.com/pipal/workshop-pipalhub:${await unwrap(doDerived.tag)}`]);
    expect(await resolveOutputs(doDerived.ref)).toBe(
      "registry.digitalocean.com/pipal/workshop-pipalhub@sha256:<pipalhub-packages-build.digest>",
    );
  });

  it("refuses a registry too small for a notebook image, or a credential too short for a build", () => {
    const args = { registryName: "pipal", create: true, tier: "starter" as const, region: "blr1", credentialExpirySeconds: 60 };
    expect(m.docr.digitalOceanRegistryProblems(args)).toHaveLength(2);
  });

  it("reads either form of a Docker config login", () => {
    const auth = Buffer.from("user@example.org:tok:en").toString("base64");
    expect(
      m.docr.dockerConfigLogin(JSON.stringify({ auths: { "registry.digitalocean.com": { auth } } }), "registry.digitalocean.com"),
    ).toEqual({
      address: "registry.digitalocean.com",
      username: "user@example.org",
      password: "tok:en",
    });
    expect(() => m.docr.dockerConfigLogin("{}", "registry.digitalocean.com")).toThrow(/no login/);
  });
});

describe("on kind: the documented local registry", () => {
  it("receives the push at localhost:5001 without a login or a registry cache", () => {
    const build = plan.one(IMAGE, "dev-workshop-build");
    expect(build.inputs.tags).toEqual([`localhost:5001/hubfleet/workshop:${WORKSHOP_TAG()}`]);
    expect(build.inputs).not.toHaveProperty("registries");
    expect(build.inputs).not.toHaveProperty("cacheTo");
  });

  it("gives the same digest reference form", async () => {
    expect(await resolveOutputs(localImage.ref)).toBe("localhost:5001/hubfleet/workshop@sha256:<dev-workshop-build.digest>");
  });
});

describe("welcome files from config", () => {
  it("are a ConfigMap in the tenant namespace and a read-only mount for the hub values", async () => {
    const configMap = plan.one("kubernetes:core/v1:ConfigMap", "pipalhub-home-seed-files");
    expect(configMap.inputs).toMatchObject({
      metadata: { name: "hubfleet-home-seed", namespace: "pipalhub" },
      data: { "f0-Welcome.ipynb": "{}" },
    });
    const values = await unwrap(seedFiles.storageValues);
    expect(values.extraVolumeMounts).toEqual([{ name: "hubfleet-home-seed", mountPath: "/etc/hubfleet/home-seed", readOnly: true }]);
  });
});

describe("a tenant's images, from its choices", () => {
  it("builds each chosen folder once and each package list once, and passes pinned upstream images through", async () => {
    const builds = plan.ofType(IMAGE).filter((r) => r.name.startsWith("dev-images-"));
    expect(builds.map((r) => r.name).sort()).toEqual(["dev-images-workshop-build", "dev-images-workshop-dev-build"]);
    const workshop = (await resolveOutputs(tenantImages.refOf({ build: "workshop" }))) as string;
    expect(workshop).toBe("localhost:5001/hubfleet/workshop@sha256:<dev-images-workshop-build.digest>");
    expect(await resolveOutputs(tenantImages.refOf({ build: "workshop", packages: PIPAL_PACKAGES }))).toBe(
      "localhost:5001/hubfleet/workshop-dev@sha256:<dev-images-workshop-dev-build.digest>",
    );
    expect((plan.one(IMAGE, "dev-images-workshop-dev-build").inputs.dockerfile as { inline: string }).inline).toContain(
      `FROM ${workshop}\n`,
    );
    expect(await resolveOutputs(tenantImages.refOf({ external: "quay.io/jupyter/scipy-notebook:2025-10-20" }))).toBe(
      "quay.io/jupyter/scipy-notebook:2025-10-20",
    );
    expect(() => tenantImages.refOf({ build: "datascience" })).toThrow(/no image for build:datascience/);
  });

  it("on a shared cluster, references the cluster stack's build instead of building again", async () => {
    expect(plan.ofType(IMAGE).filter((r) => r.name.startsWith("nairobi-"))).toEqual([]);
    expect(await resolveOutputs(sharedTenantImages.refOf({ build: "datascience" }))).toBe(SHARED_DATASCIENCE);
    expect(await resolveOutputs(sharedTenantImages.refs.datascience)).toBe(SHARED_DATASCIENCE);
  });
});
