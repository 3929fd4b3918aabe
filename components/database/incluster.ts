/**
 * PostgreSQL inside the tenant's namespace, for local and throwaway estates: one
 * StatefulSet with a volume, the hub and explore databases each with its own user
 * and random password.
 *
 * The isolation SQL (isolation-sql.ts) is the container's startup probe: on every
 * start, once the server takes TCP connections, the superuser applies it over the
 * local socket, creating what is missing. The pod template carries the script's
 * hash, so a changed script restarts the pod and is applied; the pod is not ready
 * until it has been, and the hub waits for that.
 *
 * No admin credential is stored anywhere: the image needs a superuser password
 * only to initialise an empty volume, and an init container writes a random one
 * into a memory volume of the pod for that. The superuser works over the local
 * socket inside the container, which no other pod reaches.
 *
 * Trade-off (stated in docs/security.md): no TLS and one replica. The server is reachable
 * only inside the cluster, and the namespace's NetworkPolicy admits only the hub
 * and notebook pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { podEgress, type EgressRule } from "../egress";
import { kubernetesLabels } from "../naming";
import { sha256 } from "./admin-job";
import { isolationSql } from "./isolation-sql";
import { dataVolume, HARDENED_CONTAINER, nonRootPod } from "../workload";
import type { DatabaseLogin, PostgresServer, SslMode } from "./types";

export interface InClusterPostgresArgs {
  readonly tenant: string;
  readonly namespace: pulumi.Input<string>;
  readonly image: { readonly name: string; readonly tag: string };
  /** The data volume's size, such as 2Gi. */
  readonly storage: string;
  readonly storageClass?: string;
  /** Keep the data volume when the resource is deleted (production tenants). */
  readonly protect: boolean;
  /** Enable PostGIS in the explore database; the image must carry it (such as postgis/postgis). */
  readonly postgis?: boolean;
}

export const POSTGRES_PORT = 5432;
export const POSTGRES_SERVICE = "postgres";

/** The databases, each with a login of the same name and its password in `<NAME>_DB_PASSWORD`. */
export const DATABASES = ["hub", "explore"] as const;

function passwordVariable(role: string): string {
  return `${role.toUpperCase()}_DB_PASSWORD`;
}

/** The isolation SQL, run by the superuser, which may create the logins (their passwords come as psql variables). */
export function inClusterIsolationSql(postgis = false): string {
  return isolationSql({
    logins: DATABASES.map((database) => ({ database, role: database })),
    adminIsSuperuser: true,
    postgisDatabases: postgis ? ["explore"] : [],
  });
}

/** Where the startup script and the SQL are mounted. */
export const SCRIPT_DIR = "/hubfleet";

/**
 * The startup probe: the server the image runs while initialising an empty volume
 * listens on its socket only, so TCP readiness means the real server is up. A
 * failing script fails the probe; the pod never turns ready and, after the probe's
 * threshold, the container restarts.
 */
export const STARTUP_SCRIPT = `#!/bin/bash
set -euo pipefail
pg_isready --quiet --host 127.0.0.1 --username postgres
exec psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --username postgres --dbname postgres \\
${DATABASES.map((role) => `  --set ${role}_password="$${passwordVariable(role)}"`).join(" \\\n")} \\
  --file "$(dirname "$0")/isolation.sql"
`;

/** Writes a random superuser password into the pod's memory volume, used only to initialise an empty volume. */
const SUPERUSER_PASSWORD_SCRIPT =
  "set -euo pipefail; umask 077; head -c 32 /dev/urandom | base64 --wrap=0 > /run/hubfleet-superuser/password";

/** The labels notebook pods' egress rule selects. */
export function postgresPodLabels(tenant: string): Record<string, string> {
  return { ...kubernetesLabels(tenant, "postgres"), "app.kubernetes.io/name": "postgres" };
}

export class InClusterPostgres extends pulumi.ComponentResource implements PostgresServer {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly sslMode: SslMode = "disable";
  readonly hub: DatabaseLogin;
  readonly explore: DatabaseLogin;
  readonly readyResources: pulumi.Resource[];
  readonly notebookEgress: pulumi.Output<EgressRule[]>;

  constructor(name: string, args: InClusterPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:database:InCluster", name, {}, opts);
    const labels = postgresPodLabels(args.tenant);
    const password = (role: string) =>
      new random.RandomPassword(`${name}-${role}-password`, { length: 32, special: false }, { parent: this });
    const hubPassword = password("hub");
    const explorePassword = password("explore");
    const passwordKeys = DATABASES.map(passwordVariable);

    const credentials = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: "hubfleet-postgres", namespace: args.namespace, labels },
        type: "Opaque",
        // The logins' passwords only: the hub and notebook pods get these anyway; no admin credential.
        stringData: { HUB_DB_PASSWORD: hubPassword.result, EXPLORE_DB_PASSWORD: explorePassword.result },
      },
      { parent: this },
    );
    const sql = inClusterIsolationSql(args.postgis);
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-init`,
      {
        metadata: { name: "hubfleet-postgres-init", namespace: args.namespace, labels },
        data: { "isolation.sql": sql, "startup.sh": STARTUP_SCRIPT },
      },
      { parent: this },
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: POSTGRES_SERVICE, namespace: args.namespace, labels },
        spec: { selector: labels, ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: POSTGRES_PORT }] },
      },
      { parent: this },
    );
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-server`,
      {
        metadata: { name: "postgres", namespace: args.namespace, labels },
        spec: {
          serviceName: POSTGRES_SERVICE,
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels, annotations: { "hubfleet.io/startup-sha256": sha256(STARTUP_SCRIPT + sql) } },
            spec: {
              ...nonRootPod(999),
              initContainers: [
                {
                  name: "superuser-password",
                  image: `${args.image.name}:${args.image.tag}`,
                  command: ["bash", "-c", SUPERUSER_PASSWORD_SCRIPT],
                  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
                  securityContext: { ...HARDENED_CONTAINER, readOnlyRootFilesystem: true },
                  volumeMounts: [{ name: "superuser", mountPath: "/run/hubfleet-superuser" }],
                },
              ],
              containers: [
                {
                  name: "postgres",
                  image: `${args.image.name}:${args.image.tag}`,
                  ports: [{ name: "postgres", containerPort: POSTGRES_PORT }],
                  env: [
                    { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                    { name: "POSTGRES_PASSWORD_FILE", value: "/run/hubfleet-superuser/password" },
                    ...passwordKeys.map((key) => ({
                      name: key,
                      valueFrom: { secretKeyRef: { name: "hubfleet-postgres", key } },
                    })),
                  ],
                  startupProbe: {
                    exec: { command: ["bash", `${SCRIPT_DIR}/startup.sh`] },
                    periodSeconds: 5,
                    timeoutSeconds: 30,
                    failureThreshold: 60,
                  },
                  readinessProbe: { exec: { command: ["pg_isready", "-U", "postgres"] }, periodSeconds: 5 },
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                  securityContext: HARDENED_CONTAINER,
                  volumeMounts: [
                    { name: "data", mountPath: "/var/lib/postgresql/data" },
                    { name: "scripts", mountPath: SCRIPT_DIR, readOnly: true },
                    { name: "superuser", mountPath: "/run/hubfleet-superuser", readOnly: true },
                    { name: "run", mountPath: "/var/run/postgresql" },
                  ],
                },
              ],
              volumes: [
                { name: "scripts", configMap: { name: "hubfleet-postgres-init" } },
                { name: "superuser", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                { name: "run", emptyDir: {} },
              ],
            },
          },
          ...dataVolume({ labels, size: args.storage, storageClass: args.storageClass, protect: args.protect }),
        },
      },
      { parent: this, dependsOn: [credentials, scripts], protect: args.protect },
    );

    this.host = pulumi.interpolate`${service.metadata.name}.${args.namespace}.svc.cluster.local`;
    this.port = pulumi.output(POSTGRES_PORT);
    this.hub = { database: "hub", user: "hub", password: hubPassword.result };
    this.explore = { database: "explore", user: "explore", password: explorePassword.result };
    this.readyResources = [statefulSet, service];
    this.notebookEgress = pulumi.output(POSTGRES_PORT).apply((port): EgressRule[] => [podEgress(postgresPodLabels(args.tenant), port)]);
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
