/**
 * The Knowledge Repo add-on: its pure builders, and the component under Pulumi's
 * recording mock runtime (the inputs each Kubernetes object would receive).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installMockRuntime, settle, SECRET, type PlanRecorder, type RecordedResource } from "../scripts/render/mock-runtime";
import {
  gitRemotePort,
  gitSyncArgs,
  knowledgeRepoHubValues,
  knowledgeRepoProblems,
  type KnowledgeRepoGit,
} from "../components/services/knowledge-repo-spec";
import type { KnowledgeRepoArgs } from "../components/services/knowledge-repo";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";

type Component = typeof import("../components/services/knowledge-repo");

const GOOGLE_SECRET = "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";
const DEPLOY_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-deploy-key-literal\n-----END OPENSSH PRIVATE KEY-----";
const TOKEN = "ghp_token-literal-given-as-plain-text";
const KNOWN_HOSTS = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

const sshGit: KnowledgeRepoGit = {
  url: "git@github.com:acme/posts.git",
  ref: "main",
  periodSeconds: 60,
  auth: { kind: "ssh", knownHosts: KNOWN_HOSTS },
};

describe("git-sync's flags", () => {
  it("sync the repo and ref on the interval into /git/posts", () => {
    const args = gitSyncArgs({ ...sshGit, periodSeconds: 120 });
    expect(args).toEqual(
      expect.arrayContaining(["--repo=git@github.com:acme/posts.git", "--ref=main", "--period=120s", "--root=/git", "--link=posts"]),
    );
  });

  it("read a deploy key and known hosts from the mounted Secret, or a token as the password file", () => {
    expect(gitSyncArgs(sshGit)).toEqual(
      expect.arrayContaining(["--ssh-key-file=/etc/git-secret/ssh", "--ssh-known-hosts-file=/etc/git-secret/known_hosts"]),
    );
    const token = gitSyncArgs({
      url: "https://gitlab.com/acme/posts.git",
      ref: "HEAD",
      periodSeconds: 60,
      auth: { kind: "token", username: "oauth2" },
    });
    expect(token).toEqual(expect.arrayContaining(["--username=oauth2", "--password-file=/etc/git-secret/token"]));
    expect(token.join(" ")).not.toContain("ssh");
    expect(gitSyncArgs({ ...sshGit, url: "https://github.com/acme/posts.git", auth: { kind: "none" } }).join(" ")).not.toMatch(
      /ssh-key|password/,
    );
  });

  it("open the remote's own port: 22 or the one an ssh:// URL names, 443 for https", () => {
    expect(gitRemotePort("git@github.com:acme/posts.git")).toBe(22);
    expect(gitRemotePort("ssh://git@gitlab.acme.org:2222/acme/posts.git")).toBe(2222);
    expect(gitRemotePort("ssh://git@gitlab.acme.org/acme/posts.git")).toBe(22);
    expect(gitRemotePort("https://github.com/acme/posts.git")).toBe(443);
    expect(gitRemotePort("https://git.acme.org:8443/posts.git")).toBe(8443);
    expect(() => gitRemotePort("http://github.com/acme/posts.git")).toThrow(/neither https/);
  });
});

describe("the add-on's config problems", () => {
  const base = { git: sshGit, allowedDomains: ["acme.org"], serviceName: "knowledge", hostname: "hub.acme.org", workers: 2 };
  const paths = (changes: Partial<typeof base>) => knowledgeRepoProblems({ ...base, ...changes }).map((p) => p.path);

  it("accepts a complete setting", () => {
    expect(knowledgeRepoProblems(base)).toEqual([]);
  });

  it("keys each mistake by its path", () => {
    expect(paths({ git: { ...sshGit, url: "http://github.com/acme/posts.git" } })).toEqual(["git.url"]);
    expect(paths({ git: { ...sshGit, url: "https://user:pw@github.com/acme/posts.git", auth: { kind: "token", username: "x" } } })).toEqual(
      ["git.url"],
    );
    expect(paths({ git: { ...sshGit, auth: { kind: "token", username: "x" } } })).toEqual(["git.auth.kind"]);
    expect(paths({ git: { ...sshGit, auth: { kind: "none" } } })).toEqual(["git.auth.kind"]);
    expect(paths({ git: { ...sshGit, auth: { kind: "ssh", knownHosts: "" } } })).toEqual(["git.auth.knownHosts"]);
    expect(paths({ git: { ...sshGit, periodSeconds: 5 } })).toEqual(["git.periodSeconds"]);
    expect(paths({ git: { ...sshGit, ref: "main; rm -rf /" } })).toEqual(["git.ref"]);
    expect(paths({ allowedDomains: [] })).toEqual(["login.allowedDomains"]);
    expect(paths({ hostname: undefined })).toEqual(["endpoint.hostname"]);
    expect(paths({ serviceName: "Knowledge Repo" })).toEqual(["serviceName"]);
  });
});

describe("the hub values fragment", () => {
  const values = knowledgeRepoHubValues({ tenant: "acme", namespace: "acme", serviceName: "knowledge" }) as {
    hub: { services: Record<string, Record<string, unknown>>; networkPolicy: { egress: unknown[] } };
    proxy: { chp: { networkPolicy: { egress: unknown[] } } };
  };

  it("registers /services/knowledge/ with the in-cluster URL of the Service, and no token or OAuth of its own", () => {
    expect(values.hub.services.knowledge).toMatchObject({ url: "http://hubfleet-knowledge.acme.svc.cluster.local:7000", display: true });
    expect(JSON.stringify(values)).not.toMatch(/apiToken|api_token|oauth/i);
  });

  it("lets the proxy and the hub reach the app's pods on its port", () => {
    const rule = {
      to: [
        {
          podSelector: {
            matchLabels: expect.objectContaining({ "app.kubernetes.io/name": "knowledge-repo", "app.kubernetes.io/instance": "acme" }),
          },
        },
      ],
      ports: [{ port: 7000, protocol: "TCP" }],
    };
    expect(values.proxy.chp.networkPolicy.egress).toEqual([rule]);
    expect(values.hub.networkPolicy.egress).toEqual([rule]);
  });

  it.skipIf(!chartFilesPresent)(`passes the chart's values schema${chartFilesPresent ? "" : ` (skipped: ${SKIP_REASON})`}`, () => {
    expect(chartSchemaErrors(values)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The component under the mock runtime
// ---------------------------------------------------------------------------

let plan: PlanRecorder;
let component: Component;
let mainUrl: string;

const args = (pulumi: typeof import("@pulumi/pulumi"), changes: Partial<KnowledgeRepoArgs> = {}): KnowledgeRepoArgs => ({
  tenant: "acme",
  namespace: "acme",
  hubReleaseName: "acme-hub",
  hostname: "hub.acme.org",
  image: pulumi.output("registry.example/knowledge-repo@sha256:1111111111111111111111111111111111111111111111111111111111111111"),
  git: sshGit,
  gitCredential: pulumi.secret(DEPLOY_KEY),
  googleClientId: "1234-abc.apps.googleusercontent.com",
  googleClientSecret: pulumi.secret(GOOGLE_SECRET),
  allowedDomains: ["acme.org"],
  anonymous: { viewIndex: true, viewPost: false, viewStats: false, viewTags: true, downloads: false },
  database: {
    host: pulumi.output("postgres.acme.svc.cluster.local"),
    port: pulumi.output(5432),
    urlSecret: { secretName: "hubfleet-knowledge-db", key: "SQLALCHEMY_DATABASE_URI" },
  },
  ...changes,
});

beforeAll(async () => {
  plan = await installMockRuntime({ stack: "test" });
  component = await import("../components/services/knowledge-repo");
  const pulumi = await import("@pulumi/pulumi");
  const k8s = await import("@pulumi/kubernetes");
  const provider = new k8s.Provider("acme-k8s", {});
  const main = new component.KnowledgeRepo("acme-knowledge", args(pulumi, { provider }));
  mainUrl = main.url;
  // A second one: token over https, the token given as plain text, a database egress from the database.
  new component.KnowledgeRepo(
    "beta-knowledge",
    args(pulumi, {
      tenant: "beta",
      namespace: "beta",
      hubReleaseName: "beta-hub",
      provider,
      git: { url: "https://gitlab.com/beta/posts.git", ref: "HEAD", periodSeconds: 300, auth: { kind: "token", username: "oauth2" } },
      gitCredential: TOKEN,
      googleClientSecret: "plain-google-secret-literal",
      anonymous: undefined,
      database: {
        host: "10.20.0.3",
        port: 5432,
        urlSecret: { secretName: "beta-db", key: "url" },
        egress: [{ to: [{ ipBlock: { cidr: "10.20.0.3/32" } }], ports: [{ port: 5432, protocol: "TCP" }] }],
      },
    }),
  );
  await settle();
});

const acme = (type: string, role: string): RecordedResource => plan.one(type, `acme-knowledge-${role}`);
type Container = Record<string, unknown> & {
  env: { name: string; value?: string; valueFrom?: unknown }[];
  args: string[];
  securityContext: Record<string, unknown>;
};
const podSpec = (prefix = "acme") => {
  const deployment = plan.one("kubernetes:apps/v1:Deployment", `${prefix}-knowledge-deployment`);
  return (deployment.inputs.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
    initContainers: Container[];
    containers: Container[];
    volumes: Record<string, unknown>[];
    securityContext: Record<string, unknown>;
    automountServiceAccountToken: boolean;
  };
};
const envOf = (container: Container) => Object.fromEntries(container.env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe("the Knowledge Repo component", () => {
  it("registers its children under itself, named <name>-<role>, through the given provider", () => {
    const parent = plan.one("hubfleet:services:KnowledgeRepo", "acme-knowledge");
    const provider = plan.one("pulumi:providers:kubernetes", "acme-k8s");
    const children = plan.resources.filter((r) => r.parent === parent.urn);
    expect(children.map((r) => r.name).sort()).toEqual(
      ["app-secret", "deployment", "git-secret", "network-policy", "secret-key", "service"].map((role) => `acme-knowledge-${role}`),
    );
    for (const child of children.filter((r) => r.type.startsWith("kubernetes:"))) expect(child.provider, child.name).toBe(provider.urn);
    expect(mainUrl).toBe("https://hub.acme.org/services/knowledge/");
  });

  it("puts no secret literal in any input: the client secret, deploy key and token are only Secret data", () => {
    const everything = JSON.stringify(plan.resources);
    for (const literal of [GOOGLE_SECRET, "deploy-key-literal", "BEGIN OPENSSH", TOKEN, "plain-google-secret-literal"])
      expect(everything).not.toContain(literal);
    expect(acme("kubernetes:core/v1:Secret", "app-secret").inputs.stringData).toEqual({
      KNOWLEDGE_SECRET_KEY: SECRET,
      OAUTH_GOOGLE_CLIENT_SECRET: SECRET,
    });
    expect(acme("kubernetes:core/v1:Secret", "git-secret").inputs.stringData).toEqual({ ssh: SECRET, known_hosts: SECRET });
    expect(plan.one("kubernetes:core/v1:Secret", "beta-knowledge-git-secret").inputs.stringData).toEqual({ token: SECRET });
  });

  it("gives the app its database URL, session key and client secret by Secret reference", () => {
    const env = envOf(podSpec().containers[0]!);
    expect(env.SQLALCHEMY_DATABASE_URI).toEqual({ secretKeyRef: { name: "hubfleet-knowledge-db", key: "SQLALCHEMY_DATABASE_URI" } });
    expect(env.KNOWLEDGE_SECRET_KEY).toEqual({ secretKeyRef: { name: "hubfleet-knowledge", key: "KNOWLEDGE_SECRET_KEY" } });
    expect(env.OAUTH_GOOGLE_CLIENT_SECRET).toEqual({ secretKeyRef: { name: "hubfleet-knowledge", key: "OAUTH_GOOGLE_CLIENT_SECRET" } });
    expect(env.OAUTH_GOOGLE_CLIENT_ID).toBe("1234-abc.apps.googleusercontent.com");
    expect(env.KNOWLEDGE_ALLOWED_DOMAINS).toBe("acme.org");
    expect(env.KNOWLEDGE_PUBLIC_URL).toBe("https://hub.acme.org/services/knowledge/");
    expect(env.SCRIPT_NAME).toBe("/services/knowledge");
  });

  it("sets the anonymous policies from its arguments, and none when they are not given", () => {
    const env = envOf(podSpec().containers[0]!);
    expect([
      env.KNOWLEDGE_POLICY_ANONYMOUS_VIEW_INDEX,
      env.KNOWLEDGE_POLICY_ANONYMOUS_VIEW_POST,
      env.KNOWLEDGE_POLICY_ANONYMOUS_VIEW_STATS,
      env.KNOWLEDGE_POLICY_ANONYMOUS_VIEW_TAGS,
      env.KNOWLEDGE_POLICY_ANONYMOUS_DOWNLOADS,
    ]).toEqual(["true", "false", "false", "true", "false"]);
    const beta = envOf(podSpec("beta").containers[0]!);
    for (const name of ["VIEW_INDEX", "VIEW_POST", "VIEW_STATS", "VIEW_TAGS", "DOWNLOADS"])
      expect(beta[`KNOWLEDGE_POLICY_ANONYMOUS_${name}`], name).toBe("false");
  });

  it("runs git-sync as a sidecar the app waits for, syncing the repo and ref on the interval", () => {
    const [gitSync] = podSpec().initContainers;
    expect(gitSync).toMatchObject({ name: "git-sync", restartPolicy: "Always", image: "registry.k8s.io/git-sync/git-sync:v4.7.1" });
    expect(gitSync!.args).toEqual(expect.arrayContaining(["--repo=git@github.com:acme/posts.git", "--ref=main", "--period=60s"]));
    expect(gitSync!.startupProbe).toMatchObject({ httpGet: { path: "/", port: "git-sync" } });
    expect(podSpec("beta").initContainers[0]!.args).toEqual(
      expect.arrayContaining(["--repo=https://gitlab.com/beta/posts.git", "--period=300s", "--password-file=/etc/git-secret/token"]),
    );
    const app = podSpec().containers[0]!;
    expect(app.args).toContain("--repo=file:///git/posts");
    expect(app.volumeMounts).toEqual(expect.arrayContaining([{ name: "git", mountPath: "/git", readOnly: true }]));
    // Only git-sync sees the credential.
    expect(JSON.stringify(app)).not.toContain("git-secret");
    expect(podSpec().volumes).toEqual(
      expect.arrayContaining([{ name: "git-secret", secret: { secretName: "hubfleet-knowledge-git", defaultMode: 0o440 } }]),
    );
  });

  it("passes Pod Security restricted, with probes and resource limits on every container", () => {
    const spec = podSpec();
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.automountServiceAccountToken).toBe(false);
    for (const container of [...spec.initContainers, ...spec.containers]) {
      expect(container.securityContext, String(container.name)).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        readOnlyRootFilesystem: true,
      });
      expect(container.securityContext.runAsUser as number).toBeGreaterThan(0);
      expect(container.resources).toMatchObject({ limits: { cpu: expect.any(String), memory: expect.any(String) } });
      expect(container.livenessProbe, String(container.name)).toBeDefined();
      expect(container.startupProbe, String(container.name)).toBeDefined();
    }
    expect(spec.containers[0]!.readinessProbe).toMatchObject({ httpGet: { path: "/services/knowledge/health", port: "http" } });
    for (const volume of spec.volumes) expect(Object.keys(volume).sort()).not.toContain("hostPath");
  });

  it("admits only the hub's proxy and hub, and lets out only DNS, the database and the git remote's ports", () => {
    const policy = acme("kubernetes:networking.k8s.io/v1:NetworkPolicy", "network-policy").inputs.spec as {
      podSelector: unknown;
      policyTypes: string[];
      ingress: { from: unknown[]; ports: unknown[] }[];
      egress: { to: { ipBlock?: { cidr: string; except?: string[] } }[]; ports: { port: number; protocol: string }[] }[];
    };
    expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.ingress).toEqual([
      {
        from: [
          { podSelector: { matchLabels: { app: "jupyterhub", release: "acme-hub", component: "proxy" } } },
          { podSelector: { matchLabels: { app: "jupyterhub", release: "acme-hub", component: "hub" } } },
        ],
        ports: [{ port: 7000, protocol: "TCP" }],
      },
    ]);
    const ports = policy.egress.map((rule) => rule.ports.map((p) => `${p.port}/${p.protocol}`).join(","));
    expect(ports).toEqual(["53/UDP,53/TCP", "5432/TCP", "443/TCP,22/TCP"]);
    const publicRule = policy.egress[2]!.to[0]!.ipBlock!;
    expect(publicRule.cidr).toBe("0.0.0.0/0");
    expect(publicRule.except).toEqual(expect.arrayContaining(["10.0.0.0/8", "169.254.0.0/16"]));
    const beta = plan.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "beta-knowledge-network-policy").inputs.spec as typeof policy;
    expect(beta.egress[1]).toEqual({ to: [{ ipBlock: { cidr: "10.20.0.3/32" } }], ports: [{ port: 5432, protocol: "TCP" }] });
    expect(beta.egress[2]!.ports).toEqual([{ port: 443, protocol: "TCP" }]);
  });

  it("exposes the app on a ClusterIP Service only", () => {
    const service = acme("kubernetes:core/v1:Service", "service").inputs.spec as Record<string, unknown>;
    expect(service).toMatchObject({ type: "ClusterIP", ports: [{ name: "http", port: 7000, targetPort: "http", protocol: "TCP" }] });
    expect(plan.ofType("kubernetes:networking.k8s.io/v1:Ingress")).toEqual([]);
  });

  it("refuses arguments that could not work, before registering anything", async () => {
    const pulumi = await import("@pulumi/pulumi");
    expect(() => new component.KnowledgeRepo("broken", args(pulumi, { gitCredential: undefined, allowedDomains: [] }))).toThrow(
      /login\.allowedDomains must name at least one domain.*gitCredential is required with git\.auth ssh/,
    );
    await settle();
    expect(plan.resources.filter((r) => r.name.startsWith("broken-"))).toEqual([]);
  });
});
