/**
 * The workshop dashboard (PipalHub's instructor dashboard): its service declaration
 * for the hub-service framework, and the participants' side, a post-save hook that
 * reports every notebook save to it (chart `singleuser.extraFiles` plus the env the
 * hook reads). Pure functions; the image is built from images/dashboard/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EgressRule, SecretKeyRef } from "../hub/values";
import {
  hubServiceProblems,
  hubServiceValues,
  notebookEgressToService,
  servicePrefix,
  type HubServiceSpec,
  type Problem,
  type RequestLimit,
} from "./hub-service-spec";

export const DASHBOARD_SERVICE_NAME = "dashboard";
export const DASHBOARD_PORT = 8000;
/** Where the dashboard keeps its files when it has no database (the image's default too). */
export const DASHBOARD_DATA_DIR = "/data";
/** The image's user (node's `node` user). */
export const DASHBOARD_UID = 1000;

/** The hook the participants' servers run, read once from the file beside this one. */
export const DASHBOARD_HOOK_PY = fs.readFileSync(path.join(__dirname, "dashboard_post_save_hook.py"), "utf8");
/** The variables the hook reads (dashboard_post_save_hook.py). */
export const DASHBOARD_HOOK_ENV = { url: "HUBFLEET_DASHBOARD_URL", timeout: "HUBFLEET_DASHBOARD_TIMEOUT" } as const;

/**
 * Where the hook is mounted: the system-wide Jupyter config directory that
 * docker-stacks images leave empty, once for jupyter_server (JupyterLab, Notebook 7)
 * and once for the classic notebook server. Both set the same single hook.
 */
export const DASHBOARD_HOOK_MOUNTS = {
  "hubfleet-dashboard-hook-server": "/usr/local/etc/jupyter/jupyter_server_config.py",
  "hubfleet-dashboard-hook-notebook": "/usr/local/etc/jupyter/jupyter_notebook_config.py",
} as const;

export type DashboardStorage =
  /** The tenant's PostgreSQL: the full URL (password included) in a Secret. */
  | { readonly kind: "postgres"; readonly databaseUrl: SecretKeyRef }
  /** A small volume, when the tenant has no database for it. */
  | { readonly kind: "volume"; readonly size: string; readonly storageClass?: string };

export interface DashboardArgs {
  /** The dashboard image, already resolved (images/dashboard built by the image component). */
  readonly image: string;
  /** Who may open it: the workshop's instructors (the hub's admins may anyway). */
  readonly instructors: readonly string[];
  readonly instructorGroups?: readonly string[];
  readonly storage: DashboardStorage;
  readonly cpu?: RequestLimit;
  readonly memory?: RequestLimit;
}

export const DASHBOARD_DEFAULTS = {
  cpu: { request: "50m", limit: "500m" },
  memory: { request: "128Mi", limit: "256Mi" },
  volumeSize: "1Gi",
} as const;

/** The dashboard as a hub service: hub OAuth for instructors, called by notebook servers, token to verify theirs. */
export function dashboardServiceSpec(args: DashboardArgs): HubServiceSpec {
  return {
    name: DASHBOARD_SERVICE_NAME,
    image: args.image,
    port: DASHBOARD_PORT,
    // The OAuth client secret and the check of participants' tokens; no scopes needed beyond that.
    apiToken: true,
    web: { oauth: true },
    access: { users: [...args.instructors], groups: [...(args.instructorGroups ?? [])] },
    fromNotebooks: true,
    healthPath: `${servicePrefix(DASHBOARD_SERVICE_NAME)}health`,
    cpu: args.cpu ?? DASHBOARD_DEFAULTS.cpu,
    memory: args.memory ?? DASHBOARD_DEFAULTS.memory,
    uid: DASHBOARD_UID,
    ...(args.storage.kind === "postgres"
      ? { envFromSecrets: { DATABASE_URL: args.storage.databaseUrl } }
      : {
          env: { DASHBOARD_DATA_DIR },
          volume: {
            size: args.storage.size,
            mountPath: DASHBOARD_DATA_DIR,
            ...(args.storage.storageClass ? { storageClass: args.storage.storageClass } : {}),
          },
        }),
  };
}

/** Where the hook posts: the dashboard's Service in the namespace, not through the proxy. */
export function dashboardEventsUrl(spec: Pick<HubServiceSpec, "name" | "port">, baseUrl = "/"): string {
  return `http://${spec.name}:${spec.port}${servicePrefix(spec.name, baseUrl)}api/events`;
}

/**
 * The participants' side, as chart values: the hook mounted as server config, and
 * where it posts. Merge into the hub values; add `dashboardNotebookEgress` to the
 * notebook egress rules (the chart denies notebook pods private addresses).
 */
export function dashboardHookValues(args: {
  spec: Pick<HubServiceSpec, "name" | "port">;
  baseUrl?: string;
  timeoutSeconds?: number;
}): Record<string, unknown> {
  const extraFiles = Object.fromEntries(
    Object.entries(DASHBOARD_HOOK_MOUNTS).map(([key, mountPath]) => [key, { mountPath, stringData: DASHBOARD_HOOK_PY, mode: 0o444 }]),
  );
  return {
    singleuser: {
      extraFiles,
      extraEnv: {
        [DASHBOARD_HOOK_ENV.url]: dashboardEventsUrl(args.spec, args.baseUrl),
        [DASHBOARD_HOOK_ENV.timeout]: String(args.timeoutSeconds ?? 3),
      },
    },
  };
}

/** The notebook pods' egress to the dashboard, on its port only. */
export function dashboardNotebookEgress(spec: HubServiceSpec): EgressRule {
  return notebookEgressToService(spec);
}

/** Mistakes in the dashboard's settings, keyed like hubServiceProblems; `participants` are the workshop's users. */
export function dashboardProblems(args: DashboardArgs, participants?: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  if (args.instructors.length === 0 && (args.instructorGroups?.length ?? 0) === 0) {
    problems.push({ path: "instructors", message: "name at least one instructor: nobody else may open the dashboard" });
  }
  if (participants) {
    args.instructors.forEach((name, index) => {
      if (!participants.includes(name))
        problems.push({ path: `instructors.${index}`, message: `${name} is not a participant, so cannot log in` });
    });
  }
  // The service's own `access` problem would repeat the instructors' one.
  const serviceProblems = hubServiceProblems(dashboardServiceSpec(args)).filter((p) => p.path !== "access");
  return [...problems, ...serviceProblems];
}

/**
 * Everything the estate needs for the dashboard, in one call: the service to run
 * (a HubService), the chart values (registration, roles, the hook; merge them into
 * the hub values) and the egress rule to add to the notebook pods' rules.
 */
export function workshopDashboard(args: DashboardArgs & { readonly baseUrl?: string; readonly hookTimeoutSeconds?: number }): {
  spec: HubServiceSpec;
  hubValues: Record<string, unknown>;
  notebookEgress: EgressRule;
} {
  const spec = dashboardServiceSpec(args);
  return {
    spec,
    // Disjoint fragments: `hub` registers the service, `singleuser` carries the hook.
    hubValues: {
      ...hubServiceValues(spec),
      ...dashboardHookValues({ spec, baseUrl: args.baseUrl, timeoutSeconds: args.hookTimeoutSeconds }),
    },
    notebookEgress: notebookEgressToService(spec),
  };
}
