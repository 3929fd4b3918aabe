import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, resolveOutputs, settle, type PlanRecorder } from "../scripts/render/mock-runtime";
import { ConfigSecret } from "../stacks/config/secret";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";

type Workshop = typeof import("../components/hub/workshop");

const SECRET = "kubernetes:core/v1:Secret";
const PASSWORDS = { anand: "instructor-pass-1", alice: "alice-pass-2" };

let plan: PlanRecorder;
let workshop: Workshop;
let users: InstanceType<Workshop["WorkshopUsers"]>;

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  workshop = await import("../components/hub/workshop");
  const participants = Object.fromEntries(
    Object.entries(PASSWORDS).map(([name, password]) => [
      name,
      new ConfigSecret(`hubfleet:hub.auth.participants.${name}`, pulumi.secret(password)),
    ]),
  );
  users = new workshop.WorkshopUsers("pipal-workshop", { namespace: pulumi.output("pipal"), participants });
  await settle();
});

describe("hashing participants", () => {
  const hashes = () => workshop.hashParticipants(PASSWORDS, "salt-secret");

  it("is deterministic, so that `pulumi up` changes nothing when nobody changed", () => {
    expect(hashes()).toEqual(workshop.hashParticipants(PASSWORDS, "salt-secret"));
  });

  it("salts per user: the same password gives two different records", () => {
    const same = workshop.hashParticipants({ alice: "same", bala: "same" }, "salt-secret");
    expect(same.alice).not.toBe(same.bala);
    expect(same.alice!.split("$")[4]).not.toBe(same.bala!.split("$")[4]);
  });

  it("depends on the salt secret", () => {
    expect(workshop.hashParticipants(PASSWORDS, "another-secret").alice).not.toBe(hashes().alice);
    expect(() => workshop.hashParticipants(PASSWORDS, "")).toThrow(/salt secret is empty/);
  });

  it("writes scrypt records with their parameters, and no password", () => {
    const records = hashes();
    expect(Object.keys(records)).toEqual(["alice", "anand"]);
    for (const record of Object.values(records)) expect(record).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify(records)).not.toContain("alice-pass-2");
  });
});

describe("WorkshopUsers", () => {
  it("keeps the hashes in a Secret in the namespace, whose data is secret in the plan", () => {
    const secret = plan.one(SECRET, "pipal-workshop-hashes");
    expect(secret.inputs.metadata).toMatchObject({ name: workshop.WORKSHOP_SECRET_NAME, namespace: "pipal" });
    expect(secret.inputs.stringData).toEqual({ [workshop.WORKSHOP_USERS_KEY]: "[secret]" });
    expect(JSON.stringify(plan.resources)).not.toMatch(/instructor-pass-1|alice-pass-2|scrypt\$/);
  });

  it("salts with a random password resource, kept in state, not a value that changes each run", () => {
    expect(plan.one("random:index/randomPassword:RandomPassword", "pipal-workshop-salt").inputs).toMatchObject({
      length: 32,
      special: false,
    });
  });

  it("exposes the Secret's name", async () => {
    expect(await resolveOutputs(users.secretName)).toBe(workshop.WORKSHOP_SECRET_NAME);
  });
});

describe("workshopHubValues", () => {
  const values = () => workshop.workshopHubValues({ secretName: "hubfleet-workshop-users", admins: ["zoe", "anand"] });
  const hub = () => values().hub as Record<string, unknown>;

  it("mounts the Secret of hashes read-only where the authenticator reads it", () => {
    expect(hub().extraVolumes).toEqual([
      expect.objectContaining({
        name: "hubfleet-workshop-users",
        secret: expect.objectContaining({ secretName: "hubfleet-workshop-users" }),
      }),
    ]);
    expect(hub().extraVolumeMounts).toEqual([{ name: "hubfleet-workshop-users", mountPath: "/etc/hubfleet/workshop", readOnly: true }]);
    expect(workshop.WORKSHOP_AUTHENTICATOR_PY).toContain(`"${workshop.WORKSHOP_MOUNT_DIR}/${workshop.WORKSHOP_USERS_KEY}"`);
  });

  it("runs the authenticator as extraConfig, selecting itself as the hub's authenticator", () => {
    const extraConfig = hub().extraConfig as Record<string, string>;
    expect(Object.keys(extraConfig)).toEqual([workshop.WORKSHOP_EXTRA_CONFIG_KEY]);
    expect(extraConfig[workshop.WORKSHOP_EXTRA_CONFIG_KEY]).toContain("class WorkshopAuthenticator(Authenticator)");
    expect(extraConfig[workshop.WORKSHOP_EXTRA_CONFIG_KEY]).toContain("c.JupyterHub.authenticator_class = WorkshopAuthenticator");
    expect(extraConfig[workshop.WORKSHOP_EXTRA_CONFIG_KEY]).toContain("hmac.compare_digest");
  });

  it("makes instructors admins", () => {
    expect(hub().config).toEqual({ Authenticator: { admin_users: ["anand", "zoe"], allow_all: true } });
  });

  it("holds no password or hash", () => {
    const text = JSON.stringify(values());
    for (const secret of [...Object.values(PASSWORDS), ...Object.values(workshop.hashParticipants(PASSWORDS, "salt-secret"))]) {
      expect(text).not.toContain(secret);
    }
  });

  it.skipIf(!chartFilesPresent)(`passes the chart's schema (${chartFilesPresent ? "chart present" : SKIP_REASON})`, () => {
    expect(chartSchemaErrors(values())).toEqual([]);
  });
});
