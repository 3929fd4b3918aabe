/**
 * The estate's cloud providers, made once from the plan and handed to every
 * component that needs them, so that no resource falls back to ambient gcloud, AWS
 * or doctl defaults. A shared-cluster tenant takes its Google project and region
 * from the cluster stack's outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan, EstatePlan } from "./plan";
import { createAwsProvider } from "./kinds/aws";
import { createDigitalOceanProvider } from "./kinds/digitalocean";
import { createGcpProvider } from "./kinds/gcp";
import type { ClusterStackFacts, EstateContext, EstateProviders } from "./kinds/types";
import { readClusterStack } from "./kinds/gcp";

export function createProviders(
  name: string,
  plan: EstatePlan,
  clusterStack: ClusterStackFacts | undefined,
  parent: pulumi.Resource,
): EstateProviders {
  const { gcp, aws, digitalocean } = plan.providers;
  return {
    ...(gcp ? { gcp: createGcpProvider(name, gcp, clusterStack, parent) } : {}),
    ...(aws ? { aws: createAwsProvider(name, aws, parent) } : {}),
    ...(digitalocean ? { digitalocean: createDigitalOceanProvider(name, parent) } : {}),
  };
}

/** The estate's starting context: the cluster stack's outputs (shared-cluster tenants), then the providers. */
export function estateContext(name: string, plan: EstatePlan, parent: pulumi.ComponentResource): EstateContext {
  const cluster: ClusterPlan = plan.cluster;
  const clusterStack = cluster.kind === "shared" ? readClusterStack(name, cluster, parent) : undefined;
  return { name, plan, parent, clusterStack, providers: createProviders(name, plan, clusterStack, parent) };
}

/** Calls the builder a total table holds for the part's kind. */
export function build<P extends { readonly kind: string }, C, F>(
  table: { readonly [K in P["kind"]]: (part: Extract<P, { kind: K }>, context: C) => F },
  part: P,
  context: C,
): F {
  const builder = table[part.kind as P["kind"]] as (part: P, context: C) => F;
  return builder(part, context);
}
