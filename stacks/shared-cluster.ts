/**
 * A stack that is only a cluster shared by tenant stacks (Habari's model): they
 * reference it by stack name and get their namespace and release on it. What the
 * fleet shares (the public bucket, the OIDC provider for the cluster's issuer)
 * belongs here, never to one tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_STACK_OUTPUTS } from "../components/cluster/gke-tenant";
import { NotebookImages } from "../components/images/notebook-images";
import type { ImageRegistry } from "../components/images/registry";
import { s3FleetSharedBuilder } from "./kinds/aws";
import { clusterBuilders, registryBuilders } from "./kinds";
import type { EstateCluster, EstateContext } from "./kinds/types";
import type { EstatePlan, RegistryPlan } from "./plan";
import { build, estateContext } from "./providers";

export class SharedClusterEstate extends pulumi.ComponentResource {
  readonly cluster: EstateCluster;
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: { readonly plan: EstatePlan }, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:estate:SharedCluster", name, {}, opts);
    const context = estateContext(name, args.plan, this);
    this.cluster = build(clusterBuilders, args.plan.cluster, context);
    const fleetStorage = args.plan.fleetStorage
      ? s3FleetSharedBuilder(args.plan.fleetStorage, { ...context, cluster: this.cluster })
      : undefined;
    // The notebook images every tenant of the cluster runs, built once here; tenants read their digest references.
    const shared = args.plan.sharedImages;
    const registry = shared
      ? build<RegistryPlan, EstateContext & { cluster: EstateCluster }, ImageRegistry>(registryBuilders, shared.registry, {
          ...context,
          cluster: this.cluster,
        })
      : undefined;
    const images =
      shared && registry
        ? new NotebookImages(
            `${name}-images`,
            { tenant: args.plan.name, registry, choices: shared.builds.map((image) => ({ build: image })) },
            { parent: this },
          )
        : undefined;
    this.outputs = {
      ...this.cluster.outputs,
      ...(fleetStorage?.outputs ?? {}),
      ...(registry && images
        ? { [CLUSTER_STACK_OUTPUTS.notebookImages]: images.refs, [CLUSTER_STACK_OUTPUTS.imageRepository]: registry.repository }
        : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
