/**
 * The hub's address on Google Cloud: a regional static IP for the proxy's
 * LoadBalancer service and, in a Cloud DNS zone the tenant names, an A record and
 * a CAA record allowing letsencrypt. The hub release waits for all three, so that
 * letsencrypt's first attempt finds the name resolving to the proxy.
 *
 * Regional, not global: a Service of type LoadBalancer makes a regional network
 * load balancer, and a global address leaves it pending.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { assertNoProblems, type ArgProblem } from "../problems";
import type { HubEndpoint } from "./types";

export interface GcpEndpointArgs {
  readonly tenant: string;
  readonly project: pulumi.Input<string>;
  /** The cluster's region: the address must be in it. */
  readonly region: pulumi.Input<string>;
  /** The hub's public name, such as hub.example.org. */
  readonly hostname?: string;
  /** The Cloud DNS managed zone (its name) holding `hostname`; without it no record is made. */
  readonly managedZone?: string;
  /** With a hostname: the proxy serves https with a letsencrypt certificate, and this is its contact. */
  readonly letsencryptEmail?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The CA allowed to issue for the hub's name. */
export const CAA_LETSENCRYPT = '0 issue "letsencrypt.org"';

export const RECORD_TTL_SECONDS = 300;

/** A record name as Cloud DNS writes it: fully qualified, with the trailing dot. */
export function dnsName(hostname: string): string {
  return hostname.endsWith(".") ? hostname : `${hostname}.`;
}

export function gcpEndpointProblems(args: GcpEndpointArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (args.managedZone && !args.hostname)
    problems.push({ arg: "hostname", message: "is required with a Cloud DNS zone: it is the record to create" });
  return problems;
}

export class GcpEndpoint extends pulumi.ComponentResource implements HubEndpoint {
  readonly hostname?: string;
  readonly letsencryptEmail?: string;
  readonly proxyServiceType = "LoadBalancer" as const;
  readonly loadBalancerIp: pulumi.Output<string>;
  readonly readyResources: pulumi.Resource[];

  constructor(name: string, args: GcpEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:endpoint:Gcp", name, {}, opts);
    assertNoProblems(`endpoint of ${args.tenant}`, gcpEndpointProblems(args), this);

    const address = new gcp.compute.Address(
      `${name}-address`,
      {
        name: resourceName(args.tenant, "hub-ip"),
        project: args.project,
        region: args.region,
        addressType: "EXTERNAL",
        networkTier: "PREMIUM",
        description: `hubfleet: the JupyterHub proxy of ${args.tenant}`,
        labels: { ...args.labels },
      },
      { parent: this },
    );
    const records: pulumi.Resource[] = [];
    const { hostname, managedZone } = args;
    if (hostname && managedZone) {
      const record = (role: string, type: string, rrdatas: pulumi.Input<pulumi.Input<string>[]>) =>
        new gcp.dns.RecordSet(
          `${name}-${role}`,
          { project: args.project, managedZone, name: dnsName(hostname), type, ttl: RECORD_TTL_SECONDS, rrdatas },
          { parent: this },
        );
      records.push(record("a-record", "A", [address.address]), record("caa-record", "CAA", [CAA_LETSENCRYPT]));
    }

    this.hostname = args.hostname;
    this.letsencryptEmail = args.hostname ? args.letsencryptEmail : undefined;
    this.loadBalancerIp = address.address;
    this.readyResources = [address, ...records];
    this.registerOutputs({ loadBalancerIp: this.loadBalancerIp, hostname: this.hostname });
  }
}
