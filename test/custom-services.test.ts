/**
 * services.custom: a service declared in the stack file runs beside the hub (the dev
 * stack with one added, under the mock runtime), and its mistakes are keyed problems.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { rawConfigFromStackFile } from "../stacks/config/load";
import type { PlanRecorder } from "../scripts/render/mock-runtime";
import { deepMerge, LOCAL_TENANT, problemsOf } from "./support/configs";
import { PROJECT_DIR, runProgramUnderMocks } from "./support/program";

const GALLERY = `
  hubfleet:services:
    custom:
      - name: gallery
        image: { external: "registry.example/gallery:1.2.0" }
        port: 8000
        env: { LOG_LEVEL: info }
        secretEnv:
          GITHUB_TOKEN:
            secure: v1:example-ciphertext-replace-with-pulumi-config-set-secret
        apiToken: true
        scopes: [read:users:name]
        web: { oauth: true }
        access: { users: [admin] }
        fromNotebooks: true
        healthPath: /services/gallery/health
        volume: { size: 1Gi, mountPath: /data }
`;

let plan: PlanRecorder;

beforeAll(async () => {
  const text = `${fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8").trimEnd()}\n${GALLERY}`;
  ({ plan } = await runProgramUnderMocks("dev", rawConfigFromStackFile(text)));
});

const gallery = (overrides: Record<string, unknown>) => ({
  name: "gallery",
  image: { external: "registry.example/gallery:1.2.0" },
  port: 8000,
  healthPath: "/services/gallery/health",
  ...overrides,
});

describe("a declared service", () => {
  it("runs as a Deployment, Service, NetworkPolicy and volume after the release, its secret settings in a Secret of its own", () => {
    const release = plan.one("kubernetes:helm.sh/v3:Release");
    const deployment = plan.ofType("kubernetes:apps/v1:Deployment").find((r) => r.name === "dev-gallery-deployment")!;
    expect(deployment.dependencies).toContain(release.urn);
    for (const type of [
      "kubernetes:core/v1:Service",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:core/v1:PersistentVolumeClaim",
    ]) {
      expect(
        plan.ofType(type).some((r) => r.name.startsWith("dev-gallery-")),
        type,
      ).toBe(true);
    }
    const secret = plan.ofType("kubernetes:core/v1:Secret").find((r) => r.name === "dev-gallery-secret-env")!;
    expect(secret.inputs).toMatchObject({ metadata: { name: "hubfleet-service-gallery" }, stringData: { GITHUB_TOKEN: "[secret]" } });
    expect(deployment.dependencies).toContain(secret.urn);
    const container = (deployment.inputs.spec as { template: { spec: { containers: { image: string; env: unknown[] }[] } } }).template.spec
      .containers[0]!;
    expect(container.image).toBe("registry.example/gallery:1.2.0");
    expect(container.env).toContainEqual({
      name: "GITHUB_TOKEN",
      valueFrom: { secretKeyRef: { name: "hubfleet-service-gallery", key: "GITHUB_TOKEN" } },
    });
    expect(JSON.stringify(plan.resources)).not.toContain("v1:example-ciphertext");
  });

  it("is registered with the hub, its roles loaded, and reachable from notebooks", () => {
    const values = plan.one("kubernetes:helm.sh/v3:Release").inputs.values as {
      hub: Record<string, Record<string, unknown>>;
      singleuser: { networkPolicy: { egress: unknown[] } };
    };
    expect(values.hub.services!.gallery).toEqual({ url: "http://gallery:8000", display: true, oauth_no_confirm: true });
    expect(values.hub.loadRoles!["gallery-service"]).toMatchObject({ scopes: ["read:users:name"], services: ["gallery"] });
    expect(values.hub.loadRoles!["gallery-users"]).toMatchObject({ users: ["admin"] });
    expect(values.singleuser.networkPolicy.egress).toContainEqual(expect.objectContaining({ ports: [{ port: 8000, protocol: "TCP" }] }));
  });
});

describe("services.custom mistakes", () => {
  it("are keyed by the entry and its field", () => {
    const problems = problemsOf(
      deepMerge(LOCAL_TENANT, {
        services: {
          custom: [
            gallery({ port: 80, image: { external: "registry.example/gallery:latest" } }),
            gallery({ image: { build: "datascience" }, env: { JUPYTERHUB_API_URL: "x" } }),
          ],
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^hubfleet:services\.custom\[0\]\.port: must be an unprivileged port/),
        expect.stringMatching(/^hubfleet:services\.custom\[0\]\.image: .*uses latest/),
        expect.stringMatching(/^hubfleet:services\.custom\[1\]\.image: "datascience" is not a service image of images\//),
        expect.stringMatching(/^hubfleet:services\.custom\[1\]\.name: gallery is declared twice/),
        expect.stringMatching(/^hubfleet:services\.custom\[1\]\.env\.JUPYTERHUB_API_URL: JUPYTERHUB_\* variables are set by hubfleet/),
      ]),
    );
  });

  it("refuses a name hubfleet already runs for the tenant", () => {
    expect(
      problemsOf(
        deepMerge(LOCAL_TENANT, { services: { dashboard: { enabled: true }, custom: [gallery({ name: "dashboard", healthPath: "/h" })] } }),
      ),
    ).toEqual(["hubfleet:services.custom[0].name: dashboard is taken by a service hubfleet runs for this tenant"]);
  });
});
