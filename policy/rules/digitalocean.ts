/**
 * DigitalOcean: the managed database trusts only the tenant's cluster, and every
 * resource that can join a VPC joins the same one. No CIS benchmark covers
 * DigitalOcean; the rules follow DigitalOcean's own guidance on trusted sources and VPCs.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, at, stackRule, type HubfleetPolicy, type StackProblem } from "../rule";

export const DO_DATABASE = "digitalocean:index/databaseCluster:DatabaseCluster";
const DO_FIREWALL = "digitalocean:index/databaseFirewall:DatabaseFirewall";
export const DO_KUBERNETES = "digitalocean:index/kubernetesCluster:KubernetesCluster";

/** The property that places each resource type in a VPC. */
const VPC_PROPERTY: Readonly<Record<string, string>> = {
  [DO_KUBERNETES]: "vpcUuid",
  [DO_DATABASE]: "privateNetworkUuid",
  "digitalocean:index/loadBalancer:LoadBalancer": "vpcUuid",
  "digitalocean:index/droplet:Droplet": "vpcUuid",
};

const dependsOn = (resource: PolicyResource, target: PolicyResource) => resource.dependencies.some((d) => d.urn === target.urn);

function firewallProblems(resources: readonly PolicyResource[]): StackProblem[] {
  const clusters = resources.filter((r) => r.type === DO_KUBERNETES);
  return resources
    .filter((r) => r.type === DO_DATABASE)
    .flatMap((database) => {
      const firewalls = resources.filter((r) => r.type === DO_FIREWALL && dependsOn(r, database));
      if (firewalls.length === 0)
        return [{ urn: database.urn, message: `database ${database.name} has no firewall: any source with the password may connect` }];
      return firewalls.flatMap((firewall) => {
        const rules = asArray(at(firewall.props, "rules"));
        if (rules.length === 0) return [{ urn: firewall.urn, message: "the firewall has no rule" }];
        return rules.flatMap((rule): StackProblem[] => {
          const type = at(rule, "type");
          if (type !== "k8s")
            return [{ urn: firewall.urn, message: `a ${String(type)} rule trusts a source other than the tenant's cluster` }];
          // The rule's value is the cluster's id, known only after creation: it must come from a cluster of this stack.
          const trusted = clusters.filter((cluster) => dependsOn(firewall, cluster));
          return trusted.length === 1
            ? []
            : [
                {
                  urn: firewall.urn,
                  message: `the k8s rule must name the tenant's one cluster; the firewall depends on ${trusted.length}`,
                },
              ];
        });
      });
    });
}

function vpcProblems(resources: readonly PolicyResource[]): StackProblem[] {
  const placed = resources.filter((r) => r.type in VPC_PROPERTY);
  const vpcs = new Set<string>();
  const problems: StackProblem[] = [];
  for (const resource of placed) {
    const vpc = at(resource.props, VPC_PROPERTY[resource.type]!);
    if (typeof vpc !== "string" || vpc === "")
      problems.push({
        urn: resource.urn,
        message: `${resource.name} is in no VPC (${VPC_PROPERTY[resource.type]} unset): it would join the region's default VPC`,
      });
    else vpcs.add(vpc);
  }
  if (vpcs.size > 1)
    problems.push({ message: `the stack's DigitalOcean resources are spread over ${vpcs.size} VPCs: ${[...vpcs].join(", ")}` });
  return problems;
}

export const digitalOceanPolicies: HubfleetPolicy[] = [
  stackRule({
    name: "do-database-firewall-cluster-only",
    description: "A DigitalOcean database's firewall trusts only the tenant's Kubernetes cluster",
    benchmarks: ["no CIS or checkov ID: DigitalOcean managed databases, trusted sources"],
    check: firewallProblems,
  }),
  stackRule({
    name: "do-everything-in-vpc",
    description: "The DigitalOcean cluster, database and load balancer are all in the tenant's one VPC",
    benchmarks: ["no CIS or checkov ID: DigitalOcean VPC guidance"],
    check: vpcProblems,
  }),
];
