/** Placeholders for gcp resources and provider functions (merged in placeholders.ts). */
import * as fs from "node:fs";
import { CLUSTER_STACK_OUTPUTS } from "../../components/cluster/gke-tenant";
import { notebookImages } from "../../components/images/image";
import { rawConfigFromStackFile, stackFilePath } from "../../stacks/config/load";
import { known, secretOutput, type PlaceholderRules } from "./placeholder-kit";

const text = (value: unknown, fallback: string): string => (typeof value === "string" && value !== "" ? value : fallback);

/**
 * What a GKE cluster stack exports (CLUSTER_STACK_OUTPUTS, plus its kubeconfig as a
 * secret), so that a tenant stack renders without the cluster stack's state. Named
 * after the cluster stack, e.g. `<organization/hubfleet/habari-cluster.clusterEndpoint>`.
 */
export function clusterStackPlaceholders(stack: string): Record<string, unknown> {
  return {
    kubeconfig: secretOutput(known(stack, "kubeconfig")),
    ...Object.fromEntries(Object.values(CLUSTER_STACK_OUTPUTS).map((output) => [output, known(stack, output)])),
    // Image name → digest reference, in the shape a build gives: `<repository>/<image>@sha256:<digest>`.
    [CLUSTER_STACK_OUTPUTS.notebookImages]: Object.fromEntries(
      notebookImages().map((image) => [
        image,
        `${known(stack, CLUSTER_STACK_OUTPUTS.imageRepository)}/${image}@sha256:${known(`${stack}.${image}`, "digest")}`,
      ]),
    ),
    ...clusterStackConfigFacts(stack),
  };
}

/**
 * The outputs a cluster stack takes straight from its config (project and region),
 * read from its stack file when it sits in this project: a tenant's render then shows
 * the real region, and its cost is priced there.
 */
function clusterStackConfigFacts(stack: string): Record<string, string> {
  const file = stackFilePath(stack, process.cwd());
  if (!fs.existsSync(file)) return {};
  const gcp = rawConfigFromStackFile(fs.readFileSync(file, "utf8")).values.gcp as { project?: unknown; region?: unknown } | undefined;
  const facts: Record<string, string> = {};
  if (typeof gcp?.project === "string") facts[CLUSTER_STACK_OUTPUTS.gcpProject] = gcp.project;
  if (typeof gcp?.region === "string") facts[CLUSTER_STACK_OUTPUTS.gcpRegion] = gcp.region;
  return facts;
}

export const gcpPlaceholders: PlaceholderRules = {
  outputs: {
    "pulumi:pulumi:StackReference": (name, inputs) => ({
      outputs: clusterStackPlaceholders(text(inputs.name, name)),
      secretOutputNames: ["kubeconfig"],
    }),
    "gcp:compute/network:Network": (name, inputs) => ({ selfLink: known(text(inputs.name, name), "selfLink") }),
    "gcp:compute/address:Address": (name) => ({ address: known(name, "address"), selfLink: known(name, "selfLink") }),
    "gcp:compute/globalAddress:GlobalAddress": (name) => ({ address: known(name, "address") }),
    "gcp:serviceaccount/account:Account": (name, inputs) => {
      const email = `${text(inputs.accountId, name)}@${text(inputs.project, "<project>")}.iam.gserviceaccount.com`;
      return { email, member: `serviceAccount:${email}`, uniqueId: known(name, "uniqueId") };
    },
    "gcp:container/cluster:Cluster": (name, inputs) => ({
      name: text(inputs.name, name),
      endpoint: known(name, "endpoint"),
      masterAuth: { ...(inputs.masterAuth ?? {}), clusterCaCertificate: known(name, "masterAuth.clusterCaCertificate") },
      selfLink: known(name, "selfLink"),
    }),
    "gcp:sql/databaseInstance:DatabaseInstance": (name, inputs) => ({
      name: text(inputs.name, name),
      privateIpAddress: known(name, "privateIpAddress"),
      connectionName: `${text(inputs.project, "<project>")}:${text(inputs.region, "<region>")}:${text(inputs.name, name)}`,
      selfLink: known(name, "selfLink"),
    }),
  },
  // hubfleet calls no gcp provider function: everything it needs is an output of its own resources.
  invokes: {},
};
