/**
 * The hub's address on DigitalOcean: a load balancer made before the hub, adopted
 * by the proxy's LoadBalancer Service, and an A record (with a CAA record allowing
 * letsencrypt) in the tenant's DigitalOcean domain pointing at it.
 *
 * Why the load balancer comes first: letsencrypt must find the hub's name resolving
 * to the proxy on its first attempt, so the record must exist before the proxy asks
 * for a certificate, so the address must be known before the hub release. A Service
 * left to the cloud controller learns its address only after the release. So this
 * component creates the `digitalocean.LoadBalancer` itself; its IP goes into the A
 * record; the hub release waits for both (readyResources); and the proxy's Service
 * carries the annotations that make DigitalOcean's cloud controller manager (CCM)
 * adopt that load balancer instead of creating one:
 *
 * - `kubernetes.digitalocean.com/load-balancer-id`: the CCM looks the load balancer
 *   up by this id and from then on manages it for the Service: forwarding rules to
 *   the nodes' NodePorts, health check, droplets. Pulumi ignores those fields
 *   (ignoreChanges) so the two never fight; the placeholder rule below exists only
 *   because DigitalOcean refuses a load balancer without one.
 * - no `service.beta.kubernetes.io/do-loadbalancer-name`: the CCM's admission webhook
 *   validates a new LoadBalancer Service by asking DigitalOcean whether a load balancer
 *   of that name could be created, ignoring the id; the name Pulumi gave is taken, so
 *   the Service would be refused. Without it the CCM names (renames) the load balancer
 *   `a<Service UID>`, and Pulumi leaves the name to it as well.
 * - `service.beta.kubernetes.io/do-loadbalancer-size-unit`: the size the CCM asks for,
 *   the same as the one created here.
 * The load balancer is in the cluster's region and VPC, as the CCM's updates require.
 *
 * `pulumi destroy`: the hub release goes first (it depends on this component), so
 * its Service is deleted and the CCM, which owns the adopted load balancer by then,
 * deletes it. Pulumi then deletes the records and the load balancer; a load balancer
 * already gone is not an error to the provider (a 404 on delete counts as deleted).
 * If the cluster goes first, nothing deletes it but Pulumi, which does. Either way
 * nothing is left behind and nothing blocks.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { assertNoProblems, type ArgProblem } from "../problems";
import type { HubEndpoint } from "./types";

export interface DigitalOceanEndpointArgs {
  readonly tenant: string;
  /** The cluster's region: the load balancer must be in it. */
  readonly region: string;
  /** The cluster's VPC: the load balancer must be in it. */
  readonly vpcId: pulumi.Input<string>;
  /** The hub's public name, such as workshop.pipalhub.org. */
  readonly hostname?: string;
  /** The DigitalOcean domain holding `hostname`, such as pipalhub.org; without it no record is made. */
  readonly domain?: string;
  /** With a hostname: the proxy serves https with a letsencrypt certificate, and this is its contact. */
  readonly letsencryptEmail?: string;
}

/** The CCM's annotations, in its own spelling. */
export const CCM_ANNOTATIONS = {
  loadBalancerId: "kubernetes.digitalocean.com/load-balancer-id",
  sizeUnit: "service.beta.kubernetes.io/do-loadbalancer-size-unit",
} as const;

/** One size unit (lb-small's capacity): plenty for a hub's proxy. */
export const LOAD_BALANCER_SIZE_UNIT = 1;

export const RECORD_TTL_SECONDS = 300;

/** The fields the CCM sets on an adopted load balancer: Pulumi leaves them to it. */
export const CCM_MANAGED_FIELDS = ["name", "forwardingRules", "healthcheck", "dropletIds", "dropletTag", "stickySessions", "firewall"];

/** A record's name inside its domain, as DigitalOcean takes it: `workshop` for workshop.pipalhub.org, `@` for the apex. */
export function recordName(hostname: string, domain: string): string {
  if (hostname === domain) return "@";
  const suffix = `.${domain}`;
  if (!hostname.endsWith(suffix)) throw new Error(`${hostname} is not inside the domain ${domain}`);
  return hostname.slice(0, -suffix.length);
}

/** The annotations that make the proxy's Service adopt the load balancer. */
export function proxyServiceAnnotations(loadBalancerId: string): Record<string, string> {
  return {
    [CCM_ANNOTATIONS.loadBalancerId]: loadBalancerId,
    [CCM_ANNOTATIONS.sizeUnit]: String(LOAD_BALANCER_SIZE_UNIT),
  };
}

export function digitalOceanEndpointProblems(args: DigitalOceanEndpointArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (args.domain && !args.hostname)
    problems.push({ arg: "hostname", message: "is required with a DigitalOcean domain: it is the record to create" });
  if (args.domain && args.hostname && !(args.hostname === args.domain || args.hostname.endsWith(`.${args.domain}`))) {
    problems.push({ arg: "hostname", message: `${args.hostname} is not inside the domain ${args.domain}` });
  }
  return problems;
}

export class DigitalOceanEndpoint extends pulumi.ComponentResource implements HubEndpoint {
  readonly hostname?: string;
  readonly letsencryptEmail?: string;
  readonly proxyServiceType = "LoadBalancer" as const;
  readonly proxyServiceAnnotations: pulumi.Output<Record<string, string>>;
  readonly readyResources: pulumi.Resource[];
  /** The load balancer's public address (the A record's value). */
  readonly address: pulumi.Output<string>;

  constructor(name: string, args: DigitalOceanEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:endpoint:DigitalOcean", name, {}, opts);
    assertNoProblems(`endpoint of ${args.tenant}`, digitalOceanEndpointProblems(args), this);

    const loadBalancer = new digitalocean.LoadBalancer(
      `${name}-load-balancer`,
      {
        // The name until the CCM adopts it (it then renames it; see the file's header).
        name: resourceName(args.tenant, "hub"),
        region: args.region,
        vpcUuid: args.vpcId,
        sizeUnit: LOAD_BALANCER_SIZE_UNIT,
        // A placeholder (DigitalOcean wants one rule): the CCM replaces it with the proxy's NodePorts.
        forwardingRules: [{ entryPort: 80, entryProtocol: "tcp", targetPort: 80, targetProtocol: "tcp" }],
        healthcheck: { protocol: "tcp", port: 80 },
      },
      { parent: this, ignoreChanges: CCM_MANAGED_FIELDS },
    );

    const records: pulumi.Resource[] = [];
    const { hostname, domain } = args;
    if (hostname && domain) {
      const relativeName = recordName(hostname, domain);
      records.push(
        new digitalocean.DnsRecord(
          `${name}-a-record`,
          { domain, name: relativeName, type: "A", value: loadBalancer.ip, ttl: RECORD_TTL_SECONDS },
          { parent: this },
        ),
        // Only letsencrypt may issue for the hub's name. The trailing dot is DigitalOcean's
        // spelling: its API refuses a CAA issuer without it, and the provider reads it back with one.
        new digitalocean.DnsRecord(
          `${name}-caa-record`,
          { domain, name: relativeName, type: "CAA", flags: 0, tag: "issue", value: "letsencrypt.org.", ttl: RECORD_TTL_SECONDS },
          { parent: this },
        ),
      );
    }

    this.hostname = hostname;
    this.letsencryptEmail = hostname ? args.letsencryptEmail : undefined;
    this.address = loadBalancer.ip;
    this.proxyServiceAnnotations = loadBalancer.id.apply(proxyServiceAnnotations);
    this.readyResources = [loadBalancer, ...records];
    this.registerOutputs({ address: this.address, hostname: this.hostname, proxyServiceAnnotations: this.proxyServiceAnnotations });
  }
}
