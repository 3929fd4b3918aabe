/**
 * A service beside the hub, running in the tenant namespace: Deployment, Service,
 * NetworkPolicy and, when it keeps files, a volume claim. The objects' specs come
 * from the pure builders in hub-service-spec.ts; its registration with the hub
 * (`hubServiceValues`) goes into the chart values before the release.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EgressRule } from "../hub/values";
import {
  hubServiceProblems,
  serviceDeploymentSpec,
  serviceNetworkPolicySpec,
  servicePrefix,
  serviceServiceSpec,
  serviceVolumeClaimName,
  serviceVolumeClaimSpec,
  type HubServiceContext,
  type HubServiceSpec,
} from "./hub-service-spec";

export interface HubServiceArgs {
  readonly spec: HubServiceSpec;
  /** The tenant namespace, where the hub runs (the Kubernetes provider is inherited). */
  readonly namespace: pulumi.Input<string>;
  /** The hub release beside which it runs. */
  readonly context: HubServiceContext;
  /** Labels for every object (the tenant's owner labels). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Egress beyond DNS and the hub API, such as to the tenant's database. */
  readonly extraEgress?: pulumi.Input<EgressRule[]>;
  /** Keep the volume when the service is deleted (production tenants). */
  readonly protectVolume?: boolean;
  /** The image when it is known only at deployment (a build's digest reference); it replaces `spec.image`. */
  readonly image?: pulumi.Input<string>;
  /** What the pod must wait for: the hub release, whose chart writes the service's token into its hub Secret. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class HubService extends pulumi.ComponentResource {
  /** The in-cluster address, `http://<name>:<port>`. */
  readonly url: pulumi.Output<string>;
  /** Where browsers reach it through the proxy, when it is exposed. */
  readonly path: pulumi.Output<string | undefined>;
  readonly deploymentName: pulumi.Output<string>;

  constructor(name: string, args: HubServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:services:HubService", name, {}, opts);
    const { spec, context } = args;
    const problems = hubServiceProblems(spec);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`service ${spec.name}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`, this);
    }
    const labels = { ...(args.labels ?? {}), "app.kubernetes.io/component": "hub-service" };
    const metadata = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });

    const claimSpec = serviceVolumeClaimSpec(spec);
    const claim = claimSpec
      ? new k8s.core.v1.PersistentVolumeClaim(
          `${name}-data`,
          { metadata: metadata(serviceVolumeClaimName(spec.name)), spec: claimSpec },
          // A claim's size and class cannot change in place: protect it, or let it go with a disposable tenant.
          { parent: this, protect: args.protectVolume ?? false },
        )
      : undefined;

    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: metadata(spec.name),
        spec: pulumi.output(args.image ?? spec.image).apply((image) => serviceDeploymentSpec({ ...spec, image }, context, labels)),
      },
      { parent: this, dependsOn: [...(claim ? [claim] : []), ...(args.dependsOn ?? [])] },
    );

    new k8s.core.v1.Service(`${name}-service`, { metadata: metadata(spec.name), spec: serviceServiceSpec(spec) }, { parent: this });

    new k8s.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      {
        metadata: metadata(spec.name),
        spec: pulumi.output(args.extraEgress ?? []).apply((egress) => serviceNetworkPolicySpec(spec, context, egress)),
      },
      { parent: this },
    );

    this.url = pulumi.output(`http://${spec.name}:${spec.port}`);
    this.path = pulumi.output(spec.web ? servicePrefix(spec.name, context.baseUrl) : undefined);
    this.deploymentName = deployment.metadata.name;
    this.registerOutputs({ url: this.url, path: this.path, deploymentName: this.deploymentName });
  }
}
