/**
 * Route53 wired into an estate on DigitalOcean: the load balancer the endpoint makes is
 * named in an AWS zone through the estate's aws provider (made for Route53 alone, no S3),
 * with no DigitalOcean records, and the release waits for the address and both records.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanRecorder } from "../scripts/render/mock-runtime";
import { fixtureStackConfig, runProgramUnderMocks } from "./support/program";

let plan: PlanRecorder;

beforeAll(async () => {
  const raw = fixtureStackConfig("doks-workshop");
  const endpoint = { ...(raw.values.endpoint as Record<string, unknown>) };
  delete endpoint.digitaloceanDomain;
  const values = { ...raw.values, aws: { region: "ap-south-1" }, endpoint: { ...endpoint, route53Zone: { id: "Z0123456789ABC" } } };
  ({ plan } = await runProgramUnderMocks("pipalhub", { values, securePaths: raw.securePaths }));
});

describe("Route53 records for a DigitalOcean endpoint", () => {
  it("points the A record at the load balancer's address, through the estate's aws provider", () => {
    const aws = plan.one("pulumi:providers:aws");
    expect(aws.inputs.region).toBe("ap-south-1");
    const a = plan.one("aws:route53/record:Record", "-a-record");
    expect(a.inputs).toMatchObject({ zoneId: "Z0123456789ABC", name: "workshop.pipalhub.org", type: "A", ttl: 300 });
    expect(a.inputs.records).toEqual([`<${plan.one("digitalocean:index/loadBalancer:LoadBalancer").name}.ip>`]);
    expect(a.provider).toBe(aws.urn);
    expect(plan.ofType("digitalocean:index/dnsRecord:DnsRecord")).toEqual([]);
    expect(plan.ofType("aws:s3/bucket:Bucket")).toEqual([]);
  });

  it("makes the release wait for the load balancer and both records", () => {
    const release = plan.one("kubernetes:helm.sh/v3:Release");
    for (const urn of [
      plan.one("digitalocean:index/loadBalancer:LoadBalancer").urn,
      plan.one("aws:route53/record:Record", "-a-record").urn,
      plan.one("aws:route53/record:Record", "-caa-record").urn,
    ]) {
      expect(release.dependencies).toContain(urn);
    }
  });
});
