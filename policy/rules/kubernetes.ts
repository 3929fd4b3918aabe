/**
 * Kubernetes: tenant namespaces enforce a Pod Security Standard, and no workload hubfleet
 * creates (its own manifests, or the pods the jupyterhub chart makes from its values) runs
 * privileged or shares the node's namespaces.
 */
import { asArray, at, resourceRule, type HubfleetPolicy } from "../rule";
import { HUB_RELEASE, isJupyterHubRelease } from "./hub-values";
import { BASELINE_CAPABILITIES } from "../../components/pod-security";

export const NAMESPACE = "kubernetes:core/v1:Namespace";
const ENFORCE = "pod-security.kubernetes.io/enforce";
const LEVELS = ["baseline", "restricted"];

/** Workload types and where their pod spec lives. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** What in one container breaks the Baseline standard's privilege rules. */
export function containerPrivileges(container: unknown): string[] {
  const name = String(at(container, "name") ?? "?");
  const problems: string[] = [];
  if (at(container, "securityContext", "privileged") === true) problems.push(`container ${name} is privileged`);
  for (const capability of asArray(at(container, "securityContext", "capabilities", "add")).map(String))
    if (!BASELINE_CAPABILITIES.has(capability)) problems.push(`container ${name} adds capability ${capability}`);
  return problems;
}

/** Privileges a pod spec asks for: privileged containers, extra capabilities, the node's namespaces. */
export function podPrivileges(spec: unknown): string[] {
  const problems = ["containers", "initContainers", "ephemeralContainers"].flatMap((key) =>
    asArray(at(spec, key)).flatMap(containerPrivileges),
  );
  for (const hostField of ["hostNetwork", "hostPID", "hostIPC"])
    if (at(spec, hostField) === true) problems.push(`the pod sets ${hostField}`);
  return problems;
}

/** The chart's own privileged container, and containers added through the values. */
export function hubValuesPrivileges(values: unknown): string[] {
  const problems: string[] = [];
  // The chart adds a privileged iptables init container unless told not to (z2jh values.yaml singleuser.cloudMetadata).
  if (at(values, "singleuser", "cloudMetadata", "blockWithIptables") !== false)
    problems.push(
      "singleuser.cloudMetadata.blockWithIptables is not false: the chart adds the privileged block-cloud-metadata init container",
    );
  for (const path of [
    ["singleuser", "initContainers"],
    ["singleuser", "extraContainers"],
    ["hub", "extraContainers"],
    ["hub", "initContainers"],
  ])
    for (const container of asArray(at(values, ...path)))
      problems.push(...containerPrivileges(container).map((p) => `${path.join(".")}: ${p}`));
  return problems;
}

export const kubernetesPolicies: HubfleetPolicy[] = [
  resourceRule({
    name: "k8s-namespace-pod-security",
    description: "Every namespace enforces the Baseline or Restricted Pod Security Standard",
    benchmarks: ["CIS GKE 1.4 4.2.1", "CIS Kubernetes 1.8 5.2.1"],
    types: [NAMESPACE],
    check: (r) => {
      const level = at(r.props, "metadata", "labels", ENFORCE);
      return typeof level === "string" && LEVELS.includes(level)
        ? []
        : [`label ${ENFORCE} is ${JSON.stringify(level ?? null)}, not baseline or restricted`];
    },
  }),
  resourceRule({
    name: "k8s-no-privileged-containers",
    description: "No container runs privileged, adds capabilities beyond Baseline, or shares the node's network, PID or IPC namespace",
    benchmarks: ["CIS Kubernetes 1.8 5.2.2-5.2.5", "checkov CKV_K8S_16", "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "trivy KSV017"],
    types: [...Object.keys(POD_SPEC_PATHS), HUB_RELEASE],
    check: (r) => {
      if (r.type === HUB_RELEASE) return isJupyterHubRelease(r.props) ? hubValuesPrivileges(at(r.props, "values")) : [];
      return podPrivileges(at(r.props, ...POD_SPEC_PATHS[r.type]!));
    },
  }),
];
