/**
 * The hub's DNS name in an AWS Route53 hosted zone: an A record pointing at the
 * proxy's address and a CAA record allowing only letsencrypt (OpenHexa's Terraform
 * wrote both, TTL 300, while its cluster and address were on Google Cloud).
 *
 * The address comes from elsewhere (a GCP regional static IP, a DigitalOcean load
 * balancer): this component only names it. Like the other endpoints it exposes
 * `readyResources`, so that the hub release waits for both records and letsencrypt's
 * first attempt finds the name resolving to the proxy.
 *
 * The aws provider is passed in explicitly (region and credentials of the account
 * that holds the zone, often not the tenant's own), never taken from the ambient
 * AWS profile.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertNoProblems, type ArgProblem } from "../problems";

/** The hosted zone: by id (no lookup), or by its domain name (looked up among public zones). */
export type Route53Zone = { readonly id: string } | { readonly name: string };

export interface Route53RecordsArgs {
  readonly tenant: string;
  /** The hub's public name, such as notebooks.openhexa.example.org. */
  readonly hostname: string;
  readonly zone: Route53Zone;
  /** The proxy's public IPv4 address: the A record's value. */
  readonly address: pulumi.Input<string>;
  /** The aws provider for the account holding the zone. */
  readonly provider: aws.Provider;
  /** What the address itself waits for (the reserved IP, a load balancer): passed on in readyResources. */
  readonly addressResources?: readonly pulumi.Resource[];
}

/** The CA allowed to issue for the hub's name, in Route53's spelling of a CAA value. */
export const CAA_LETSENCRYPT = '0 issue "letsencrypt.org"';

export const RECORD_TTL_SECONDS = 300;

/** A name without its trailing dot, lowercase, as compared here (Route53 stores both spellings alike). */
export function bareName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** Whether `hostname` is the zone's apex or inside it. */
export function isInsideZone(hostname: string, zoneName: string): boolean {
  const host = bareName(hostname);
  const zone = bareName(zoneName);
  return host === zone || host.endsWith(`.${zone}`);
}

export function route53RecordsProblems(args: Pick<Route53RecordsArgs, "hostname" | "zone">): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if ("id" in args.zone && !/^Z[A-Z0-9]{1,31}$/.test(args.zone.id)) {
    problems.push({ arg: "zone.id", message: `${args.zone.id} is not a Route53 hosted zone id (Z followed by capitals and digits)` });
  }
  if ("name" in args.zone && !isInsideZone(args.hostname, args.zone.name)) {
    problems.push({ arg: "hostname", message: `${args.hostname} is not inside the hosted zone ${args.zone.name}` });
  }
  return problems;
}

/** The hub's A and CAA records in Route53; the endpoint that owns the address waits for them too. */
export class Route53Records extends pulumi.ComponentResource {
  readonly hostname: string;
  readonly zoneId: pulumi.Output<string>;
  readonly readyResources: pulumi.Resource[];

  constructor(name: string, args: Route53RecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:endpoint:Route53Records", name, {}, opts);
    assertNoProblems(`Route53 records of ${args.tenant}`, route53RecordsProblems(args), this);
    const childOptions = { parent: this, provider: args.provider };

    const zoneId: pulumi.Output<string> =
      "id" in args.zone
        ? pulumi.output(args.zone.id)
        : aws.route53.getZoneOutput({ name: bareName(args.zone.name), privateZone: false }, childOptions).zoneId;

    const record = (role: string, type: string, records: pulumi.Input<pulumi.Input<string>[]>) =>
      new aws.route53.Record(
        `${name}-${role}`,
        { zoneId, name: bareName(args.hostname), type, ttl: RECORD_TTL_SECONDS, records },
        childOptions,
      );
    const records = [record("a-record", "A", [args.address]), record("caa-record", "CAA", [CAA_LETSENCRYPT])];

    this.hostname = args.hostname;
    this.zoneId = zoneId;
    this.readyResources = [...(args.addressResources ?? []), ...records];
    this.registerOutputs({ hostname: this.hostname, zoneId: this.zoneId });
  }
}
