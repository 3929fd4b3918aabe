import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";

type Endpoint = typeof import("../components/endpoint/gcp");

let plan: PlanRecorder;
let endpoint: Endpoint;
let withDns: InstanceType<Endpoint["GcpEndpoint"]>;
let addressOnly: InstanceType<Endpoint["GcpEndpoint"]>;

const ADDRESS = "gcp:compute/address:Address";
const RECORD = "gcp:dns/recordSet:RecordSet";

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  endpoint = await import("../components/endpoint/gcp");
  const common = { project: "acme-project", region: "europe-west1", labels: { "managed-by": "hubfleet" } };
  withDns = new endpoint.GcpEndpoint("acme-endpoint", {
    ...common,
    tenant: "acme",
    hostname: "hub.acme.example.org",
    managedZone: "acme-example-org",
  });
  addressOnly = new endpoint.GcpEndpoint("plain-endpoint", { ...common, tenant: "plain" });
  await settle();
});

describe("the GCP endpoint", () => {
  it("reserves a regional external address, not a global one", () => {
    const address = plan.one(ADDRESS, "acme-endpoint-address");
    expect(address.inputs).toMatchObject({ region: "europe-west1", addressType: "EXTERNAL", name: "acme-hub-ip" });
    expect(plan.ofType("gcp:compute/globalAddress:GlobalAddress")).toEqual([]);
  });

  it("points an A record at the address, in the named zone, with the trailing dot", () => {
    const record = plan.one(RECORD, "acme-endpoint-a-record");
    expect(record.inputs).toEqual({
      project: "acme-project",
      managedZone: "acme-example-org",
      name: "hub.acme.example.org.",
      type: "A",
      ttl: 300,
      rrdatas: ["<acme-endpoint-address.address>"],
    });
    expect(record.dependencies).toContain(plan.one(ADDRESS, "acme-endpoint-address").urn);
  });

  it("allows only letsencrypt to issue for the name", () => {
    expect(plan.one(RECORD, "acme-endpoint-caa-record").inputs).toMatchObject({
      managedZone: "acme-example-org",
      name: "hub.acme.example.org.",
      type: "CAA",
      rrdatas: ['0 issue "letsencrypt.org"'],
    });
  });

  it("gives the proxy the address, and the release the address and both records to wait for", async () => {
    expect(await resolveOutputs(withDns.loadBalancerIp)).toBe("<acme-endpoint-address.address>");
    expect(withDns.hostname).toBe("hub.acme.example.org");
    expect(withDns.readyResources).toHaveLength(3);
  });

  it("makes no record without a zone", () => {
    expect(plan.ofType(RECORD).filter((r) => r.name.startsWith("plain-"))).toEqual([]);
    expect(addressOnly.readyResources).toHaveLength(1);
  });

  it("writes fully qualified names once, and rejects a zone without a host name", () => {
    expect(endpoint.dnsName("hub.example.org")).toBe("hub.example.org.");
    expect(endpoint.dnsName("hub.example.org.")).toBe("hub.example.org.");
    expect(endpoint.gcpEndpointProblems({ tenant: "x", project: "p", region: "r", managedZone: "z", labels: {} })).toEqual([
      { arg: "hostname", message: expect.stringMatching(/record to create/) },
    ]);
  });
});
