/**
 * A one-off Kubernetes Job that runs a psql script as a managed server's admin
 * (Cloud SQL, DigitalOcean), from inside the cluster, the only place the
 * server's private address and firewall let in.
 *
 * Where the admin credential lives: in a namespace of its own,
 * `<tenant>-db-admin`, beside the Job and nothing else. The tenant namespace holds
 * the chart's ServiceAccounts, and the chart's `hub` and `autohttps` Roles may
 * read every Secret there (autohttps is the internet-facing Traefik pod), so the
 * admin URL never goes there. A separate namespace keeps the Secret declarative
 * (Pulumi creates, updates and deletes it like any resource, and a re-run of the
 * Job finds it), where deleting it after the Job would need a controller or a
 * ServiceAccount with the right to delete Secrets: a credential of its own. No
 * Role or RoleBinding is made in the admin namespace, its pods mount no API token,
 * and it enforces Pod Security `restricted`.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels } from "../naming";
import { podSecurityLabels } from "../pod-security";

/** The psql client the Job runs; a pinned tag of the official image. */
export const PSQL_IMAGE = "docker.io/library/postgres:17.6";

/** The image's postgres user: the Job runs as it, never as root. */
const PSQL_UID = 999;

/** Where the script's ConfigMap is mounted in the Job's container. */
export const SCRIPT_DIR = "/hubfleet";
export const SCRIPT_FILE = "isolation.sql";

/** Annotation on the Job's pod: a changed script makes a new Job. */
export const SCRIPT_HASH_ANNOTATION = "hubfleet.io/script-sha256";

/** The namespace that holds a tenant's admin credential and nothing the chart runs. */
export function databaseAdminNamespace(tenant: string): string {
  return `${tenant}-db-admin`;
}

/**
 * The psql command line: stop at the first error, read no ~/.psqlrc, run the mounted
 * script; each psql variable from the environment variable of the same name in
 * upper case (Kubernetes expands `$(NAME)` in a container's command).
 */
export function adminJobCommand(urlVariable: string, psqlVariables: readonly string[] = []): string[] {
  return [
    "psql",
    "--no-psqlrc",
    "--set",
    "ON_ERROR_STOP=1",
    ...psqlVariables.flatMap((name) => ["--set", `${name}=$(${envName(name)})`]),
    "--dbname",
    `$(${urlVariable})`,
    "--file",
    `${SCRIPT_DIR}/${SCRIPT_FILE}`,
  ];
}

function envName(psqlVariable: string): string {
  return psqlVariable.toUpperCase();
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export interface DatabaseAdminJobArgs {
  readonly tenant: string;
  /** The admin's libpq URL, a secret; kept only in the admin namespace. */
  readonly adminUrl: pulumi.Input<string>;
  /** The psql script to run as the admin (see isolation-sql.ts). */
  readonly sql: string;
  /** Secret psql variables the script reads (the logins' passwords on an external server), kept beside the URL. */
  readonly psqlVariables?: Readonly<Record<string, pulumi.Input<string>>>;
  /** What must exist first: the server, its firewall, the users and databases. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class DatabaseAdminJob extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: DatabaseAdminJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:database:AdminJob", name, {}, opts);
    const labels = kubernetesLabels(args.tenant, "database-admin");
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: databaseAdminNamespace(args.tenant), labels: { ...labels, ...podSecurityLabels("restricted") } } },
      { parent: this },
    );
    const variables = Object.keys(args.psqlVariables ?? {}).sort();
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-admin-url`,
      {
        metadata: { namespace: namespace.metadata.name, labels },
        type: "Opaque",
        stringData: {
          url: pulumi.secret(args.adminUrl),
          ...Object.fromEntries(variables.map((v) => [envName(v), pulumi.secret(args.psqlVariables![v]!)])),
        },
      },
      { parent: this },
    );
    const fromSecret = (envVar: string, key: string) => ({
      name: envVar,
      valueFrom: { secretKeyRef: { name: adminSecret.metadata.name, key } },
    });
    const script = new k8s.core.v1.ConfigMap(
      `${name}-script`,
      { metadata: { namespace: namespace.metadata.name, labels }, data: { [SCRIPT_FILE]: args.sql } },
      { parent: this },
    );
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      {
        metadata: { namespace: namespace.metadata.name, labels },
        spec: {
          backoffLimit: 4,
          activeDeadlineSeconds: 600,
          template: {
            metadata: { labels, annotations: { [SCRIPT_HASH_ANNOTATION]: sha256(args.sql) } },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: PSQL_UID,
                runAsGroup: PSQL_UID,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "psql",
                  image: PSQL_IMAGE,
                  command: adminJobCommand("ADMIN_URL", variables),
                  env: [fromSecret("ADMIN_URL", "url"), ...variables.map((v) => fromSecret(envName(v), envName(v)))],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [{ name: "script", mountPath: SCRIPT_DIR, readOnly: true }],
                },
              ],
              volumes: [{ name: "script", configMap: { name: script.metadata.name } }],
            },
          },
        },
      },
      // Jobs are immutable: a changed script or Secret makes a new Job (auto-named) before the old one goes.
      { parent: this, dependsOn: args.dependsOn },
    );
    this.namespace = namespace.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
