import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";

type Endpoint = typeof import("../components/endpoint/digitalocean");

const LB = "digitalocean:index/loadBalancer:LoadBalancer";
const RECORD = "digitalocean:index/dnsRecord:DnsRecord";

let plan: PlanRecorder;
let endpoint: Endpoint;
let withDns: InstanceType<Endpoint["DigitalOceanEndpoint"]>;
let addressOnly: InstanceType<Endpoint["DigitalOceanEndpoint"]>;

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  endpoint = await import("../components/endpoint/digitalocean");
  const common = { region: "blr1", vpcId: pulumi.output("vpc-1") };
  withDns = new endpoint.DigitalOceanEndpoint("pipal-endpoint", {
    ...common,
    tenant: "pipal",
    hostname: "workshop.pipalhub.org",
    domain: "pipalhub.org",
  });
  addressOnly = new endpoint.DigitalOceanEndpoint("plain-endpoint", { ...common, tenant: "plain" });
  await settle();
});

describe("the DigitalOcean endpoint", () => {
  it("creates the load balancer itself, in the cluster's region and VPC", () => {
    const lb = plan.one(LB, "pipal-endpoint-load-balancer");
    expect(lb.inputs).toMatchObject({ name: "pipal-hub", region: "blr1", vpcUuid: "vpc-1", sizeUnit: 1 });
  });

  it("points an A record at the load balancer's IP, which it depends on", () => {
    const record = plan.one(RECORD, "pipal-endpoint-a-record");
    expect(record.inputs).toEqual({
      domain: "pipalhub.org",
      name: "workshop",
      type: "A",
      value: "<pipal-endpoint-load-balancer.ip>",
      ttl: 300,
    });
    expect(record.dependencies).toContain(plan.one(LB, "pipal-endpoint-load-balancer").urn);
  });

  it("allows only letsencrypt to issue for the name", () => {
    expect(plan.one(RECORD, "pipal-endpoint-caa-record").inputs).toMatchObject({
      name: "workshop",
      type: "CAA",
      flags: 0,
      tag: "issue",
      value: "letsencrypt.org.",
    });
  });

  it("makes the hub release wait for the load balancer and both records", () => {
    const urnsOf = (resources: pulumi.Resource[]) => Promise.all(resources.map((r) => resolveOutputs(r.urn)));
    return urnsOf(withDns.readyResources).then((urns) =>
      expect(urns.sort()).toEqual(
        [
          plan.one(LB, "pipal-endpoint-load-balancer").urn,
          plan.one(RECORD, "pipal-endpoint-a-record").urn,
          plan.one(RECORD, "pipal-endpoint-caa-record").urn,
        ].sort(),
      ),
    );
  });

  it("has the proxy's Service adopt the load balancer by id and size, without naming it", async () => {
    expect(await resolveOutputs(withDns.proxyServiceAnnotations)).toEqual({
      "kubernetes.digitalocean.com/load-balancer-id": "pipal-endpoint-load-balancer-id",
      "service.beta.kubernetes.io/do-loadbalancer-size-unit": "1",
    });
    expect(withDns.hostname).toBe("workshop.pipalhub.org");
    expect(await resolveOutputs(withDns.address)).toBe("<pipal-endpoint-load-balancer.ip>");
  });

  it("leaves to the cloud controller what it manages on the adopted load balancer", () => {
    expect(endpoint.CCM_MANAGED_FIELDS).toEqual(expect.arrayContaining(["name", "forwardingRules", "healthcheck", "dropletIds"]));
  });

  it("makes no record without a domain, but still a load balancer", () => {
    expect(plan.ofType(RECORD).filter((r) => r.name.startsWith("plain-"))).toEqual([]);
    expect(plan.ofType(LB).filter((r) => r.name.startsWith("plain-"))).toHaveLength(1);
    expect(addressOnly.readyResources).toHaveLength(1);
  });

  it("names records relative to their domain", () => {
    expect(endpoint.recordName("workshop.pipalhub.org", "pipalhub.org")).toBe("workshop");
    expect(endpoint.recordName("a.b.pipalhub.org", "pipalhub.org")).toBe("a.b");
    expect(endpoint.recordName("pipalhub.org", "pipalhub.org")).toBe("@");
    expect(() => endpoint.recordName("hub.example.org", "pipalhub.org")).toThrow(/not inside/);
  });

  it("validates its args", () => {
    expect(endpoint.digitalOceanEndpointProblems({ tenant: "t", region: "blr1", vpcId: "v", domain: "pipalhub.org" })).toHaveLength(1);
    expect(
      endpoint.digitalOceanEndpointProblems({
        tenant: "t",
        region: "blr1",
        vpcId: "v",
        hostname: "hub.example.org",
        domain: "pipalhub.org",
      })[0]?.message,
    ).toMatch(/not inside the domain/);
  });
});
