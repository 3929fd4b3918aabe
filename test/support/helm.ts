/**
 * `helm template` of the jupyterhub chart (../shared/z2jh/<version>/chart/jupyterhub)
 * with given values, and a model of the notebook pod KubeSpawner builds from them
 * (KubeSpawner runs in the hub, so no manifest of it exists to render).
 * helm comes from HUBFLEET_HELM or from scripts/fetch-helm.sh.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { mergeValues } from "../../components/hub/values";
import { CHART_DIR } from "./chart-schema";
import type { PodSpec } from "./pod-security-check";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const HELM = process.env.HUBFLEET_HELM ?? path.join(PROJECT_DIR, "node_modules", ".cache", "hubfleet-helm", "helm");
const CHART = path.join(CHART_DIR, "chart", "jupyterhub");
export const helmPresent = fs.existsSync(HELM) && fs.existsSync(path.join(CHART, "Chart.yaml"));
export const HELM_SKIP_REASON = `no helm at ${HELM} (run scripts/fetch-helm.sh) or no chart at ${CHART}`;

type Dict = Record<string, unknown>;

export interface RenderedPod {
  /** `<Kind>/<name>` of the workload. */
  readonly owner: string;
  readonly spec: PodSpec;
}

/** Every manifest helm renders for these values (hooks included). */
export function helmTemplate(values: Dict, namespace: string, release: string): Dict[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-helm-"));
  try {
    const file = path.join(dir, "values.json");
    fs.writeFileSync(file, JSON.stringify(values));
    const out = execFileSync(HELM, ["template", release, CHART, "--namespace", namespace, "--values", file, "--kube-version", "1.33.0"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return parseAllDocuments(out)
      .map((d) => d.toJS() as Dict | null)
      .filter((d): d is Dict => d !== null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The pod templates of the rendered workloads. */
export function renderedPods(manifests: Dict[]): RenderedPod[] {
  return manifests.flatMap((m) => {
    const kind = m.kind as string;
    const name = (m.metadata as Dict).name as string;
    if (kind === "Pod") return [{ owner: `${kind}/${name}`, spec: m.spec as PodSpec }];
    const template = ((m.spec as Dict | undefined)?.template as Dict | undefined)?.spec;
    return template && ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(kind)
      ? [{ owner: `${kind}/${name}`, spec: template as PodSpec }]
      : [];
  });
}

/** The chart's defaults with these values merged in, as helm merges them (maps merge, the rest replaces). */
export function effectiveValues(values: Dict): Dict {
  const defaults = parse(fs.readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as Dict;
  return mergeValues(defaults, values);
}

/**
 * The notebook pod as KubeSpawner 7 builds it from the chart's config
 * (files/hub/jupyterhub_config.py): `singleuser.uid`, `fsGid` and
 * `allowPrivilegeEscalation` first, KubeSpawner's `pod_security_context` and
 * `container_security_context` over them; the `block-cloud-metadata` init container
 * when `cloudMetadata.blockWithIptables`; the home volume, `storage.extraVolumes` and
 * `extraFiles`; an API token when a service account is named unless
 * `automount_service_account_token` says otherwise.
 */
export function notebookPod(values: Dict): { spec: PodSpec; automountServiceAccountToken: boolean; volumeNames: string[] } {
  const v = effectiveValues(values);
  const singleuser = v.singleuser as Dict;
  const spawner = (((v.hub as Dict).config as Dict | undefined)?.KubeSpawner ?? {}) as Dict;
  const storage = singleuser.storage as Dict;
  const podContext = {
    ...(singleuser.fsGid != null ? { fsGroup: singleuser.fsGid } : {}),
    ...((spawner.pod_security_context as Dict) ?? {}),
  };
  const containerContext = {
    ...(singleuser.uid != null ? { runAsUser: singleuser.uid } : {}),
    ...(singleuser.allowPrivilegeEscalation != null ? { allowPrivilegeEscalation: singleuser.allowPrivilegeEscalation } : {}),
    ...((spawner.container_security_context as Dict) ?? {}),
  };
  const initContainers = [...((singleuser.initContainers as PodSpec["containers"]) ?? [])];
  if ((singleuser.cloudMetadata as Dict).blockWithIptables === true) {
    initContainers.push({
      name: "block-cloud-metadata",
      securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ["NET_ADMIN"] } },
    });
  }
  const volumes: Dict[] = [
    ...(storage.type === "dynamic" ? [{ name: "volume-home", persistentVolumeClaim: { claimName: "claim-user" } }] : []),
    ...((storage.extraVolumes as Dict[]) ?? []),
    ...(Object.keys((singleuser.extraFiles as Dict) ?? {}).length > 0 ? [{ name: "files", secret: { secretName: "singleuser" } }] : []),
  ];
  const automount = (spawner.automount_service_account_token as boolean | undefined) ?? Boolean(singleuser.serviceAccountName);
  return {
    spec: {
      securityContext: podContext,
      initContainers,
      containers: [
        { name: "notebook", securityContext: containerContext },
        ...((singleuser.extraContainers as PodSpec["containers"]) ?? []),
      ],
      volumes,
    },
    automountServiceAccountToken: automount,
    volumeNames: volumes.map((vol) => String(vol.name)),
  };
}

/** Whether a NetworkPolicy's egress rules admit this address and port (ipBlock and ports only). */
export function egressAdmits(rules: Dict[], ip: string, port: number, protocol = "TCP"): boolean {
  const toInt = (a: string) => a.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const inCidr = (cidr: string) => {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(toInt(base!) / size) * size;
    return toInt(ip) >= start && toInt(ip) < start + size;
  };
  return rules.some((rule) => {
    const ports = rule.ports as { port?: number; protocol?: string }[] | undefined;
    const portOk = !ports || ports.some((p) => (p.port === undefined || p.port === port) && (p.protocol ?? "TCP") === protocol);
    const peers = rule.to as { ipBlock?: { cidr: string; except?: string[] } }[] | undefined;
    const peerOk = !peers || peers.some((peer) => peer.ipBlock && inCidr(peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(inCidr));
    return portOk && peerOk;
  });
}
