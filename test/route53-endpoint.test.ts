import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";

type Route53 = typeof import("../components/endpoint/route53");

const RECORD = "aws:route53/record:Record";

let plan: PlanRecorder;
let route53: Route53;
let byName: InstanceType<Route53["Route53Records"]>;
let byId: InstanceType<Route53["Route53Records"]>;
let dnsAccount: aws.Provider;
let address: pulumi.CustomResource;

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  route53 = await import("../components/endpoint/route53");
  dnsAccount = new aws.Provider("dns-account", { region: "eu-west-1" });
  // Stands in for the reserved address another endpoint made (a GCP regional IP).
  address = new aws.ec2.Eip("proxy-ip", { domain: "vpc" }, { provider: dnsAccount });
  byName = new route53.Route53Records("hexa-dns", {
    tenant: "openhexa",
    hostname: "notebooks.openhexa.example.org",
    zone: { name: "openhexa.example.org." },
    address: pulumi.output("203.0.113.7"),
    provider: dnsAccount,
    addressResources: [address],
  });
  byId = new route53.Route53Records("plain-dns", {
    tenant: "plain",
    hostname: "hub.example.org",
    zone: { id: "Z0123456789ABCDEFGHIJ" },
    address: "198.51.100.4",
    provider: dnsAccount,
  });
  await settle();
});

describe("the Route53 endpoint records", () => {
  it("points an A record at the proxy's address in the zone looked up by name", () => {
    expect(plan.one(RECORD, "hexa-dns-a-record").inputs).toEqual({
      zoneId: "<openhexa.example.org.zoneId>",
      name: "notebooks.openhexa.example.org",
      type: "A",
      ttl: 300,
      records: ["203.0.113.7"],
    });
  });

  it("allows only letsencrypt to issue for the name", () => {
    expect(plan.one(RECORD, "hexa-dns-caa-record").inputs).toMatchObject({ type: "CAA", ttl: 300, records: ['0 issue "letsencrypt.org"'] });
  });

  it("uses a zone id as given, without a lookup", () => {
    expect(plan.one(RECORD, "plain-dns-a-record").inputs).toMatchObject({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "hub.example.org",
      records: ["198.51.100.4"],
    });
  });

  it("creates its records through the provider it is given, not an ambient one", () => {
    const records = plan.ofType(RECORD);
    expect(records).toHaveLength(4);
    for (const record of records) expect(record.provider).toMatch(/pulumi:providers:aws::dns-account/);
  });

  it("makes the hub release wait for the address and both records", async () => {
    const urns = await Promise.all(byName.readyResources.map((r) => resolveOutputs(r.urn)));
    expect(urns.sort()).toEqual(
      [await resolveOutputs(address.urn), plan.one(RECORD, "hexa-dns-a-record").urn, plan.one(RECORD, "hexa-dns-caa-record").urn].sort(),
    );
    expect(byId.readyResources).toHaveLength(2);
    expect(await resolveOutputs(byId.zoneId)).toBe("Z0123456789ABCDEFGHIJ");
  });

  it("refuses a name outside the zone and a malformed zone id", () => {
    expect(route53.isInsideZone("Notebooks.Example.org.", "example.org")).toBe(true);
    expect(route53.isInsideZone("example.org", "example.org.")).toBe(true);
    expect(route53.isInsideZone("badexample.org", "example.org")).toBe(false);
    expect(route53.route53RecordsProblems({ hostname: "hub.other.org", zone: { name: "example.org" } })[0]?.message).toMatch(
      /not inside the hosted zone/,
    );
    expect(route53.route53RecordsProblems({ hostname: "hub.example.org", zone: { id: "/hostedzone/Z123" } })).toHaveLength(1);
  });
});
