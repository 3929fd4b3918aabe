/**
 * Pod Security of what the hub release runs: the chart rendered by `helm template`
 * with each example stack's hub values (hub, proxy, autohttps, user scheduler,
 * placeholders, image pullers), and the notebook pod KubeSpawner builds from them,
 * checked against the Pod Security Standards. The cluster facts per stack are the
 * ones the estate passes (GKE Dataplane V2 and DOKS Cilium enforce NetworkPolicy; a
 * laptop cluster has no cloud metadata server).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { anywhereScheduling } from "../components/cluster/scheduling";
import { buildHubValues, type HubValuesInput } from "../components/hub/values";
import { clusterNetworkFacts, podSecurityLabels, tenantPodSecurity, type ClusterNetworkFacts } from "../components/pod-security";
import { rawConfigFromStackFile } from "../stacks/config/load";
import { planStack, type TenantPlan } from "../stacks/plan";
import { chartSchemaErrors } from "./support/chart-schema";
import { egressAdmits, helmPresent, helmTemplate, HELM_SKIP_REASON, notebookPod, renderedPods } from "./support/helm";
import { baselineViolations, restrictedViolations } from "./support/pod-security-check";
import { PROJECT_DIR } from "./support/program";
import type { ImageChoice } from "../components/images/choice";

if (!helmPresent && process.env.CI) throw new Error(HELM_SKIP_REASON);
if (!helmPresent) console.warn(`skipping the chart's Pod Security checks: ${HELM_SKIP_REASON}`);

/** An example stack's plan, or a test fixture's (test/fixtures/stacks/) for scenarios no example shows. */
function tenantPlan(stack: string): TenantPlan {
  const example = path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
  const file = fs.existsSync(example) ? example : path.join(PROJECT_DIR, "test", "fixtures", "stacks", `${stack}.yaml`);
  return planStack(rawConfigFromStackFile(fs.readFileSync(file, "utf8"))).tenant!;
}

const ENFORCED = clusterNetworkFacts({ cloud: "gcp", networkPolicyEnforced: true });
const LAPTOP = clusterNetworkFacts({ cloud: "local", networkPolicyEnforced: false });
/** No hubfleet cluster kind is like this; it shows what the chart's iptables block costs. */
const CLOUD_WITHOUT_ENFORCER: ClusterNetworkFacts = { networkPolicyEnforced: false, cloudMetadataServer: true };

/** The hub values the estate builds for a stack (the Secrets' names and the egress are the estate's own). */
function stackValues(stack: string, network: ClusterNetworkFacts): Record<string, unknown> {
  return buildHubValues({ ...hubInput(stack), network });
}

function hubInput(stack: string): HubValuesInput {
  const tenant = tenantPlan(stack);
  const endpoint = tenant.endpoint.kind === "local" ? { hostname: tenant.endpoint.hostname } : tenant.endpoint.args;
  const storage = tenant.storage;
  return {
    hub: tenant.hub,
    scheduling: anywhereScheduling(),
    endpoint: {
      hostname: endpoint.hostname,
      letsencryptEmail: "letsencryptEmail" in endpoint ? endpoint.letsencryptEmail : undefined,
      serviceType: tenant.endpoint.kind === "local" ? "ClusterIP" : "LoadBalancer",
    },
    hubDatabaseUrl: { secretName: "hubfleet-hub-db", key: "url" },
    authSecretName: "hubfleet-auth",
    notebookEnv: { secretName: "hubfleet-notebook-env", names: ["EXPLORE_DB_URL"] },
    webIdentity:
      storage?.kind === "s3" && storage.credentials.kind === "webIdentity"
        ? { serviceAccountName: "notebook", audience: "sts.amazonaws.com" }
        : undefined,
    notebookEgress: [{ to: [{ ipBlock: { cidr: "10.20.0.5/32" } }], ports: [{ port: 5432, protocol: "TCP" }] }],
    workshop: tenant.hub.auth.kind === "workshop" ? { secretName: "hubfleet-workshop-users" } : undefined,
    // Built images as the estate gives them: a digest reference (external choices as pinned).
    images: {
      default: imageRef(tenant.hub.singleuser.image),
      profiles: tenant.hub.singleuser.profiles.map((profile) => (profile.image ? imageRef(profile.image) : undefined)),
      pullSecrets: [],
    },
  };
}

function imageRef(choice: ImageChoice): string {
  return "build" in choice || choice.packages
    ? `registry.example/hubfleet/${"build" in choice ? choice.build : "derived"}@sha256:${"0".repeat(64)}`
    : choice.external;
}

const STACKS: [string, ClusterNetworkFacts][] = [
  ["openhexa", ENFORCED],
  ["pipalhub", clusterNetworkFacts({ cloud: "digitalocean", networkPolicyEnforced: true })],
  ["habari-kisumu", ENFORCED],
  ["renku", ENFORCED],
  ["dev", LAPTOP],
];

describe.skipIf(!helmPresent)("Pod Security of the hub release, rendered by helm", () => {
  describe.each(STACKS)("%s", (stack, network) => {
    const values = stackValues(stack, network);
    // A skipped describe still runs its body to collect tests: only call helm when it is there.
    const manifests = helmPresent ? helmTemplate(values, stack, `${stack}-hub`) : [];
    const pods = renderedPods(manifests);

    it("passes the chart's schema", () => {
      expect(chartSchemaErrors(values)).toEqual([]);
    });

    it("renders the hub, the proxy and the chart's other pods, and every one passes restricted", () => {
      expect(pods.map((p) => p.owner)).toEqual(expect.arrayContaining(["Deployment/hub", "Deployment/proxy"]));
      expect(Object.fromEntries(pods.map((p) => [p.owner, restrictedViolations(p.spec)]))).toEqual(
        Object.fromEntries(pods.map((p) => [p.owner, []])),
      );
    });

    it("builds notebook pods that pass restricted, with no API token", () => {
      const notebook = notebookPod(values);
      expect(restrictedViolations(notebook.spec)).toEqual([]);
      expect(notebook.automountServiceAccountToken).toBe(false);
      expect(tenantPodSecurity(network)).toBe("restricted");
    });

    it("keeps notebook pods from the metadata server without the iptables init container", () => {
      expect(notebookPod(values).spec.initContainers!.map((c) => c.name)).not.toContain("block-cloud-metadata");
      if (!network.cloudMetadataServer) return;
      const policy = manifests.find((m) => m.kind === "NetworkPolicy" && (m.metadata as { name: string }).name === "singleuser")!;
      const egress = (policy.spec as { egress: Record<string, unknown>[] }).egress;
      expect(egressAdmits(egress, "169.254.169.254", 80)).toBe(false);
      expect(egressAdmits(egress, "169.254.169.252", 988)).toBe(false);
      expect(egressAdmits(egress, "140.82.112.3", 443)).toBe(true);
      expect(egressAdmits(egress, "10.20.0.5", 5432)).toBe(true);
      expect(egressAdmits(egress, "10.20.0.6", 5432)).toBe(false);
    });
  });

  it("labels each tenant namespace with the level its pods pass", () => {
    expect(podSecurityLabels(tenantPodSecurity(clusterNetworkFacts({ cloud: "gcp", networkPolicyEnforced: true })))).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "latest",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "latest",
    });
    expect(tenantPodSecurity(clusterNetworkFacts({ cloud: "local", networkPolicyEnforced: false }))).toBe("restricted");
    expect(tenantPodSecurity(clusterNetworkFacts({ cloud: "digitalocean", networkPolicyEnforced: true }))).toBe("restricted");
  });

  it("still gives the AWS web-identity token to notebooks of a keyless S3 tenant, as a projected volume", () => {
    const notebook = notebookPod(stackValues("shared-s3-web-identity", ENFORCED));
    expect(notebook.volumeNames).toContain("aws-web-identity-token");
    expect(notebook.automountServiceAccountToken).toBe(false);
  });

  it("names the exception where the iptables block must stay: privileged, so not even baseline", () => {
    const values = stackValues("pipalhub", CLOUD_WITHOUT_ENFORCER);
    const notebook = notebookPod(values);
    expect(baselineViolations(notebook.spec)).toEqual([
      "block-cloud-metadata: privileged",
      "block-cloud-metadata: adds capabilities NET_ADMIN",
    ]);
    expect(restrictedViolations(notebook.spec).every((v) => v.startsWith("block-cloud-metadata:"))).toBe(true);
    expect(tenantPodSecurity(CLOUD_WITHOUT_ENFORCER)).toBe("privileged");
    expect(podSecurityLabels("privileged")).toMatchObject({ "pod-security.kubernetes.io/warn": "restricted" });
    // The chart's rendered pods pass either way.
    expect(renderedPods(helmTemplate(values, "pipalhub", "pipalhub-hub")).flatMap((p) => restrictedViolations(p.spec))).toEqual([]);
  });

  it("leaves the pod-wide settings alone while the root iptables init container runs, so that notebooks still start", () => {
    for (const values of [
      stackValues("pipalhub", CLOUD_WITHOUT_ENFORCER),
      buildHubValues({ ...hubInput("pipalhub"), network: undefined }),
    ]) {
      const notebook = notebookPod(values);
      expect(notebook.spec.securityContext).not.toHaveProperty("runAsNonRoot");
      expect(notebook.spec.containers[0]!.securityContext).toMatchObject({ runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
      expect(notebook.spec.initContainers!.map((c) => c.name)).toEqual(["block-cloud-metadata"]);
    }
  });

  it("would catch the notebook pod the chart builds by default", () => {
    const notebook = notebookPod({ singleuser: { networkPolicy: { enabled: true } } });
    expect(restrictedViolations(notebook.spec)).toEqual(
      expect.arrayContaining([
        "notebook: runAsNonRoot is not true",
        "notebook: does not drop ALL capabilities",
        "block-cloud-metadata: privileged",
      ]),
    );
    expect(notebook.automountServiceAccountToken).toBe(false);
    expect(notebookPod({ singleuser: { serviceAccountName: "notebook" } }).automountServiceAccountToken).toBe(true);
  });
});
