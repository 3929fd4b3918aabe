/**
 * The PipalHub-like workshop stack, rendered by the real program: the DOKS cluster
 * with its tainted user pool, the database with its firewall, databases and users,
 * the DNS record after the load balancer; and the same tenant on GKE by switching
 * only the cloud-specific settings.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { settle, type PlanRecorder, type RecordedResource } from "../scripts/render/mock-runtime";
import { workshopHubValues } from "../components/hub/workshop";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";
import { fixtureStackConfig, runProgramUnderMocks } from "./support/program";

const RELEASE = "kubernetes:helm.sh/v3:Release";

let plan: PlanRecorder;
let outputs: Record<string, unknown>;
let pipal: RecordedResource[];
let onGke: RecordedResource[];

/** The pipalhub config on GKE: only cluster.kind and the cloud's own settings change. */
function gkeVariant(values: Record<string, unknown>): Record<string, unknown> {
  const cluster = values.cluster as Record<string, unknown>;
  const endpoint = { ...(values.endpoint as Record<string, unknown>) };
  delete endpoint.digitaloceanDomain;
  return {
    ...values,
    tenant: { ...(values.tenant as object), name: "pipalgke" },
    cluster: { ...cluster, kind: "gke" },
    gcp: { project: "pipalhub-workshops", region: "asia-south1" },
    endpoint: { ...endpoint, gcpManagedZone: "pipalhub-org" },
  };
}

beforeAll(async () => {
  ({ plan, outputs } = await runProgramUnderMocks("pipalhub", fixtureStackConfig("doks-workshop")));
  pipal = [...plan.resources];
  const raw = fixtureStackConfig("doks-workshop");
  const { runProgram } = await import("../stacks/program");
  runProgram({ ...raw, values: gkeVariant(raw.values) });
  await settle();
  onGke = plan.resources.slice(pipal.length);
});

const one = (resources: RecordedResource[], type: string, suffix = "") => {
  const found = resources.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} *${suffix}, found ${found.map((r) => r.name).join(", ")}`);
  return found[0]!;
};
const values = (resources: RecordedResource[]) => one(resources, RELEASE).inputs.values as Record<string, Record<string, unknown>>;

describe("the PipalHub-like workshop stack", () => {
  it("builds a DOKS cluster in blr1 in its own VPC, with a tainted, autoscaled user pool", () => {
    const cluster = one(pipal, "digitalocean:index/kubernetesCluster:KubernetesCluster");
    expect(cluster.inputs).toMatchObject({
      region: "blr1",
      vpcUuid: "pipalhub-cluster-vpc-id",
      autoUpgrade: true,
      surgeUpgrade: true,
      ha: false,
    });
    expect(one(pipal, "digitalocean:index/kubernetesNodePool:KubernetesNodePool").inputs).toMatchObject({
      size: "s-4vcpu-8gb",
      autoScale: true,
      minNodes: 0,
      maxNodes: 8,
      labels: { "hub.jupyter.org/node-purpose": "user" },
      taints: [{ key: "hub.jupyter.org_dedicated", value: "user", effect: "NoSchedule" }],
    });
  });

  it("creates every DigitalOcean resource through the stack's one explicit provider, with no token in its inputs", () => {
    const providers = pipal.filter((r) => r.type === "pulumi:providers:digitalocean");
    expect(providers).toHaveLength(1);
    expect(providers[0]!.inputs).not.toHaveProperty("token");
    for (const resource of pipal.filter((r) => r.type.startsWith("digitalocean:")))
      expect(resource.provider, resource.name).toBe(providers[0]!.urn);
  });

  it("holds the database cluster, its firewall trusting only the cluster, the databases and their users", () => {
    const doks = one(pipal, "digitalocean:index/kubernetesCluster:KubernetesCluster");
    expect(one(pipal, "digitalocean:index/databaseCluster:DatabaseCluster").inputs).toMatchObject({
      engine: "pg",
      privateNetworkUuid: "pipalhub-cluster-vpc-id",
    });
    expect(one(pipal, "digitalocean:index/databaseFirewall:DatabaseFirewall").inputs.rules).toEqual([
      { type: "k8s", value: "pipalhub-cluster-cluster-id" },
    ]);
    expect(one(pipal, "digitalocean:index/databaseFirewall:DatabaseFirewall").dependencies).toContain(doks.urn);
    expect(
      pipal
        .filter((r) => r.type === "digitalocean:index/databaseDb:DatabaseDb")
        .map((r) => r.inputs.name)
        .sort(),
    ).toEqual(["explore", "hub"]);
    expect(
      pipal
        .filter((r) => r.type === "digitalocean:index/databaseUser:DatabaseUser")
        .map((r) => r.inputs.name)
        .sort(),
    ).toEqual(["explore", "hub"]);
    // Disposable: `pulumi destroy` takes the database too.
    expect(one(pipal, "digitalocean:index/databaseCluster:DatabaseCluster").protect).toBe(false);
  });

  it("points workshop.pipalhub.org at the load balancer before the hub is installed", () => {
    const lb = one(pipal, "digitalocean:index/loadBalancer:LoadBalancer");
    const record = one(pipal, "digitalocean:index/dnsRecord:DnsRecord", "endpoint-a-record");
    expect(record.inputs).toMatchObject({
      domain: "pipalhub.org",
      name: "workshop",
      type: "A",
      value: "<pipalhub-endpoint-load-balancer.ip>",
    });
    expect(record.dependencies).toContain(lb.urn);
    expect(one(pipal, RELEASE).dependencies).toEqual(expect.arrayContaining([lb.urn, record.urn]));
    expect(values(pipal).proxy).toMatchObject({
      service: {
        type: "LoadBalancer",
        annotations: { "kubernetes.digitalocean.com/load-balancer-id": "pipalhub-endpoint-load-balancer-id" },
      },
      https: { enabled: true, type: "letsencrypt", hosts: ["workshop.pipalhub.org"] },
    });
  });

  it("runs a workshop day: JupyterLab, 5-second autosave, a 2-hour idle cull", () => {
    const singleuser = values(pipal).singleuser!;
    expect(singleuser.defaultUrl).toBe("/lab");
    expect(JSON.stringify(singleuser.extraFiles)).toContain('"autosaveInterval":5');
    expect(values(pipal).cull).toMatchObject({ enabled: true, timeout: 7200, maxAge: 36000 });
  });

  it("exports the kubeconfig as a secret and the cluster's id", () => {
    expect(outputs).toMatchObject({
      kubeconfig: "[secret]",
      clusterId: "pipalhub-cluster-cluster-id",
      hubUrl: "https://workshop.pipalhub.org/",
    });
  });

  it("logs participants in with the workshop authenticator, after the hashes' Secret exists", () => {
    const release = pipal.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!;
    const expected = workshopHubValues({ secretName: "hubfleet-workshop-users", admins: ["anand"] });
    expect(values(pipal)).toMatchObject(expected);
    // A dependency on a component is a dependency on its resources: the hashes' Secret among them.
    const hashes = pipal.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.parent?.endsWith("hubfleet:hub:WorkshopUsers::pipalhub-hub-workshop"),
    )!;
    expect(release.dependencies).toContain(hashes.urn);
  });

  it.skipIf(!chartFilesPresent)(
    `gives the chart values that pass its schema, with the workshop login (${chartFilesPresent ? "chart present" : SKIP_REASON})`,
    () => {
      expect(chartSchemaErrors(values(pipal))).toEqual([]);
    },
  );

  it("puts no participant's password or hash in the plan, the values or the outputs", () => {
    const everything = JSON.stringify({ pipal, outputs });
    expect(everything).not.toContain("v1:example-ciphertext");
    // No hash record anywhere (the authenticator's own all-zero stand-in for unknown users aside).
    expect(everything).not.toMatch(/scrypt\$32768\$8\$1\$(?!A{22}==)/);
  });
});

describe("the same tenant on GKE", () => {
  it("renders with only cluster.kind and the cloud's own settings changed", () => {
    expect(onGke.some((r) => r.type === "gcp:container/cluster:Cluster")).toBe(true);
    expect(onGke.some((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance")).toBe(true);
    expect(onGke.filter((r) => r.type.startsWith("digitalocean:"))).toEqual([]);
  });

  it("gives the hub the same login, notebooks, culling and placement on both clouds", () => {
    const [doks, gke] = [values(pipal), values(onGke)];
    for (const key of ["cull", "scheduling"] as const) expect(gke[key], key).toEqual(doks[key]);
    expect(gke.hub!.config).toEqual(doks.hub!.config);
    // The same image, built into each cloud's own registry (DigitalOcean's needs a pull secret).
    const withoutEgress = (singleuser: Record<string, unknown>) => ({ ...singleuser, networkPolicy: undefined, image: undefined });
    expect(withoutEgress(gke.singleuser!)).toEqual(withoutEgress(doks.singleuser!));
    const image = (singleuser: Record<string, unknown>) => singleuser.image as { name: string; pullSecrets?: string[] };
    expect(image(doks.singleuser!).name).toMatch(/^registry\.digitalocean\.com\/pipalhub\/workshop(-pipalhub)?@sha256$/);
    expect(image(gke.singleuser!).name).toMatch(/-docker\.pkg\.dev\/.+\/workshop(-pipalgke)?@sha256$/);
    expect(image(doks.singleuser!).pullSecrets).toEqual(["registry-pipalhub"]);
    expect(image(gke.singleuser!).pullSecrets).toBeUndefined();
    expect(gke.proxy!.https).toEqual(doks.proxy!.https);
  });
});
