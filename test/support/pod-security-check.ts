/**
 * The Pod Security Standards' `baseline` and `restricted` checks on a pod spec, as a
 * pure function: the rules Kubernetes' admission applies (hostNamespaces, privileged,
 * capabilities, hostPath, hostPorts, seccomp, volume types, privilege escalation,
 * running as non-root). Sysctls, AppArmor, SELinux and /proc mount types are not
 * checked: nothing hubfleet or the chart renders sets them.
 */
import { BASELINE_CAPABILITIES } from "../../components/pod-security";

type Dict = Record<string, unknown>;

interface Container {
  name: string;
  securityContext?: Dict;
  ports?: { hostPort?: number }[];
}

export interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: Dict;
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Dict[];
}

const RESTRICTED_VOLUME_TYPES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
}

function seccompType(context: Dict | undefined): string | undefined {
  return (context?.seccompProfile as { type?: string } | undefined)?.type;
}

/** What keeps the pod from `baseline`, one line per broken rule and container. */
export function baselineViolations(spec: PodSpec): string[] {
  const out: string[] = [];
  for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) if (spec[key]) out.push(`${key} is true`);
  for (const volume of spec.volumes ?? []) if ("hostPath" in volume) out.push(`volume ${String(volume.name)} is a hostPath`);
  if (seccompType(spec.securityContext) === "Unconfined") out.push("pod seccomp is Unconfined");
  for (const c of allContainers(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) out.push(`${c.name}: privileged`);
    const added = ((sc.capabilities as { add?: string[] } | undefined)?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (added.length > 0) out.push(`${c.name}: adds capabilities ${added.join(", ")}`);
    if ((c.ports ?? []).some((p) => p.hostPort)) out.push(`${c.name}: uses a hostPort`);
    if (seccompType(sc) === "Unconfined") out.push(`${c.name}: seccomp is Unconfined`);
  }
  return out;
}

/** What keeps the pod from `restricted` (which includes `baseline`). */
export function restrictedViolations(spec: PodSpec): string[] {
  const out = baselineViolations(spec);
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== "name");
    if (type && !RESTRICTED_VOLUME_TYPES.has(type)) out.push(`volume ${String(volume.name)} is of type ${type}`);
  }
  const pod = spec.securityContext ?? {};
  if (pod.runAsUser === 0) out.push("pod runs as user 0");
  for (const c of allContainers(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation is not false`);
    const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (runAsNonRoot !== true) out.push(`${c.name}: runAsNonRoot is not true`);
    if (sc.runAsUser === 0) out.push(`${c.name}: runs as user 0`);
    const seccomp = seccompType(sc) ?? seccompType(pod);
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: seccomp is not RuntimeDefault or Localhost`);
    const caps = (sc.capabilities as { add?: string[]; drop?: string[] } | undefined) ?? {};
    if (!(caps.drop ?? []).includes("ALL")) out.push(`${c.name}: does not drop ALL capabilities`);
    const added = (caps.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
    if (added.length > 0) out.push(`${c.name}: adds ${added.join(", ")} (restricted allows only NET_BIND_SERVICE)`);
  }
  return [...new Set(out)];
}
