/**
 * An S3-compatible store (MinIO) in the tenant's namespace, for local estates:
 * the public, lake and notebooks buckets, and a tenant user whose policy is the
 * same least-privilege document an AWS tenant gets. Notebook pods use the
 * tenant user, never the root credentials.
 *
 * Trade-off (stated in docs/security.md): plain http inside the cluster, one replica.
 */
import { podEgress, type EgressRule } from "../egress";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { kubernetesLabels } from "../naming";
import { dataVolume, HARDENED_CONTAINER, nonRootPod } from "../workload";
import { tenantBucketAccessPolicy } from "./iam-policy";
import type { AccessKeyCredential, ObjectStorage } from "./types";

export interface MinioStoreArgs {
  readonly tenant: string;
  readonly namespace: pulumi.Input<string>;
  readonly image: { readonly name: string; readonly tag: string };
  readonly clientImage: { readonly name: string; readonly tag: string };
  readonly storage: string;
  readonly storageClass?: string;
  readonly protect: boolean;
}

export const MINIO_PORT = 9000;
/** MinIO's default region; clients must sign for it. */
export const MINIO_REGION = "us-east-1";

export function minioBucketNames(tenant: string): { public: string; lake: string; notebooks: string } {
  return { public: `${tenant}-public`, lake: `${tenant}-lake`, notebooks: `${tenant}-notebooks` };
}

export function minioPodLabels(tenant: string): Record<string, string> {
  return { ...kubernetesLabels(tenant, "object-store"), "app.kubernetes.io/name": "minio" };
}

/** The setup the Job runs with mc: buckets, the tenant's policy and user. Idempotent. */
export function minioSetupScript(buckets: { public: string; lake: string; notebooks: string }): string {
  return `#!/bin/sh
set -eu
mc alias set store "http://minio:${MINIO_PORT}" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
for bucket in ${buckets.public} ${buckets.lake} ${buckets.notebooks}; do
  mc mb --ignore-existing "store/$bucket"
  mc anonymous set none "store/$bucket"
done
mc version enable "store/${buckets.lake}"
mc version enable "store/${buckets.notebooks}"
mc admin policy create store tenant /setup/policy.json
mc admin user add store "$TENANT_ACCESS_KEY" "$TENANT_SECRET_KEY"
# Attach only when not attached yet (mc refuses a second attach); a failing attach fails the Job.
if ! mc admin user info store "$TENANT_ACCESS_KEY" --json | grep -q '"policyName": *"tenant"'; then
  mc admin policy attach store tenant --user "$TENANT_ACCESS_KEY"
fi
`;
}

export class MinioStore extends pulumi.ComponentResource implements ObjectStorage {
  readonly region: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly buckets: ObjectStorage["buckets"];
  readonly credential: AccessKeyCredential;
  readonly readyResources: pulumi.Resource[];
  readonly notebookEgress: pulumi.Output<EgressRule[]>;

  constructor(name: string, args: MinioStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:storage:Minio", name, {}, opts);
    const labels = minioPodLabels(args.tenant);
    const bucketNames = minioBucketNames(args.tenant);
    const secretName = "hubfleet-minio";

    const rootPassword = new random.RandomPassword(`${name}-root-password`, { length: 32, special: false }, { parent: this });
    const tenantAccessKey = new random.RandomPassword(
      `${name}-tenant-access-key`,
      { length: 20, special: false, lower: false },
      { parent: this },
    );
    const tenantSecretKey = new random.RandomPassword(`${name}-tenant-secret-key`, { length: 40, special: false }, { parent: this });

    const credentials = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: secretName, namespace: args.namespace, labels },
        type: "Opaque",
        stringData: {
          MINIO_ROOT_USER: "hubfleet-root",
          MINIO_ROOT_PASSWORD: rootPassword.result,
          TENANT_ACCESS_KEY: tenantAccessKey.result,
          TENANT_SECRET_KEY: tenantSecretKey.result,
        },
      },
      { parent: this },
    );
    const setup = new k8s.core.v1.ConfigMap(
      `${name}-setup`,
      {
        metadata: { name: "hubfleet-minio-setup", namespace: args.namespace, labels },
        data: {
          "setup.sh": minioSetupScript(bucketNames),
          "policy.json": JSON.stringify(tenantBucketAccessPolicy(bucketNames), null, 2),
        },
      },
      { parent: this },
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: "minio", namespace: args.namespace, labels },
        spec: { selector: labels, ports: [{ name: "s3", port: MINIO_PORT, targetPort: MINIO_PORT }] },
      },
      { parent: this },
    );
    const secretEnv = (key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } });
    const server = new k8s.apps.v1.StatefulSet(
      `${name}-server`,
      {
        metadata: { name: "minio", namespace: args.namespace, labels },
        spec: {
          serviceName: "minio",
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              ...nonRootPod(1000),
              containers: [
                {
                  name: "minio",
                  image: `${args.image.name}:${args.image.tag}`,
                  args: ["server", "/data"],
                  ports: [{ name: "s3", containerPort: MINIO_PORT }],
                  env: [secretEnv("MINIO_ROOT_USER"), secretEnv("MINIO_ROOT_PASSWORD")],
                  readinessProbe: { httpGet: { path: "/minio/health/ready", port: MINIO_PORT }, periodSeconds: 5 },
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                  securityContext: HARDENED_CONTAINER,
                  volumeMounts: [{ name: "data", mountPath: "/data" }],
                },
              ],
            },
          },
          ...dataVolume({ labels, size: args.storage, storageClass: args.storageClass, protect: args.protect }),
        },
      },
      { parent: this, dependsOn: [credentials], protect: args.protect },
    );
    // A Job is immutable: a changed script replaces it, which re-runs the (idempotent) setup.
    const setupJob = new k8s.batch.v1.Job(
      `${name}-setup-job`,
      {
        metadata: { name: "minio-setup", namespace: args.namespace, labels: kubernetesLabels(args.tenant, "object-store-setup") },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: kubernetesLabels(args.tenant, "object-store-setup") },
            spec: {
              restartPolicy: "OnFailure",
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "setup",
                  image: `${args.clientImage.name}:${args.clientImage.tag}`,
                  command: ["/bin/sh", "/setup/setup.sh"],
                  env: [
                    { name: "MC_CONFIG_DIR", value: "/tmp/mc" },
                    ...["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "TENANT_ACCESS_KEY", "TENANT_SECRET_KEY"].map(secretEnv),
                  ],
                  securityContext: HARDENED_CONTAINER,
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                  volumeMounts: [{ name: "setup", mountPath: "/setup", readOnly: true }],
                },
              ],
              volumes: [{ name: "setup", configMap: { name: "hubfleet-minio-setup" } }],
            },
          },
        },
      },
      { parent: this, dependsOn: [server, service, setup], deleteBeforeReplace: true },
    );

    this.region = pulumi.output(MINIO_REGION);
    this.endpoint = pulumi.interpolate`http://${service.metadata.name}.${args.namespace}.svc.cluster.local:${MINIO_PORT}`;
    this.buckets = {
      public: pulumi.output(bucketNames.public),
      lake: pulumi.output(bucketNames.lake),
      notebooks: pulumi.output(bucketNames.notebooks),
    };
    this.credential = { kind: "accessKey", accessKeyId: pulumi.secret(tenantAccessKey.result), secretAccessKey: tenantSecretKey.result };
    this.readyResources = [setupJob];
    this.notebookEgress = pulumi.output(MINIO_PORT).apply((port): EgressRule[] => [podEgress(labels, port)]);
    this.registerOutputs({ endpoint: this.endpoint, buckets: this.buckets });
  }
}
