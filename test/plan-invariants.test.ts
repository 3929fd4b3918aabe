/**
 * What holds for every rendered plan, whatever the stack: the checks that scenario
 * tests would otherwise copy. Each reads the plans the run rendered once (out/).
 */
import { describe, expect, it } from "vitest";
import { policyWildcardProblems, type PolicyDocument } from "../components/storage/iam-policy";
import type { PlanResource } from "../scripts/render/report";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";
import { stackFileConfig } from "./support/program";
import { RENDERED_STACKS, renderedHubValues, renderedPlan } from "./support/rendered";

/** Where each IAM or bucket policy document sits in a resource's inputs. */
const POLICY_INPUTS: Record<string, string> = {
  "aws:iam/userPolicy:UserPolicy": "policy",
  "aws:iam/rolePolicy:RolePolicy": "policy",
  "aws:iam/policy:Policy": "policy",
  "aws:iam/role:Role": "assumeRolePolicy",
  "aws:s3/bucketPolicy:BucketPolicy": "policy",
};

/** Resources that hold data or whose loss takes a tenant down: protected exactly on production stacks. */
const STATEFUL_TYPES = new Set([
  "gcp:container/cluster:Cluster",
  "gcp:sql/databaseInstance:DatabaseInstance",
  "digitalocean:index/kubernetesCluster:KubernetesCluster",
  "digitalocean:index/databaseCluster:DatabaseCluster",
  "aws:s3/bucket:Bucket",
  "kubernetes:apps/v1:StatefulSet",
]);

// random runs locally and has no account or region to pin; every other resource names its provider.
const CLOUD_PREFIXES = ["gcp:", "aws:", "digitalocean:", "kubernetes:"];

const isProduction = (stack: string) => {
  const tenant = stackFileConfig(stack).values.tenant as { protection?: string } | undefined;
  return (tenant?.protection ?? "production") === "production";
};

const nameOf = (urn: string) => urn.split("::").pop()!;

/**
 * Inputs without NetworkPolicy egress to the public internet (`0.0.0.0/0` except the
 * private and link-local ranges): notebooks may reach the internet; nothing may be
 * reachable from it, and no other rule may name the whole address space.
 */
function withoutPublicEgress(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPublicEgress);
  if (typeof value !== "object" || value === null) return value;
  const block = (value as { ipBlock?: { cidr?: string; except?: string[] } }).ipBlock;
  if (block?.cidr === "0.0.0.0/0" && (block.except ?? []).length > 0) return {};
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutPublicEgress(inner)]));
}

/**
 * Every image the hub values name, with its place: `{name, tag}` objects under an
 * `image` key (the chart's form) and `image` strings (KubeSpawner's profile overrides).
 */
function valueImages(value: unknown, where = ""): { where: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((inner, i) => valueImages(inner, `${where}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = where ? `${where}.${key}` : key;
    if (key === "image" && typeof inner === "string") return [{ where: path, ref: inner }];
    if (key === "image" && typeof inner === "object" && inner !== null && "name" in inner) {
      const { name, tag } = inner as { name: string; tag?: string };
      return [{ where: path, ref: tag ? `${name}:${tag}` : name }];
    }
    return valueImages(inner, path);
  });
}

/** Why an image in the hub values could change under a running hub: no tag or digest, or `latest`. */
function unpinnedImageProblems(values: unknown): string[] {
  return valueImages(values).flatMap(({ where, ref }) => {
    const digest = /@sha256:\S+$/.test(ref);
    const tag = ref.slice(ref.lastIndexOf("/") + 1).split(":")[1];
    if (!digest && !tag) return [`${where}: ${ref} has no tag or digest`];
    if (!digest && tag === "latest") return [`${where}: ${ref} uses latest`];
    return [];
  });
}

/** The plan's checks, as problems, so that a test can also show each check fails on a broken plan. */
export function planProblems(resources: readonly PlanResource[], production: boolean): string[] {
  const problems: string[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  for (const resource of resources) {
    const where = `${resource.type} ${resource.name}`;
    if (CLOUD_PREFIXES.some((prefix) => resource.type.startsWith(prefix))) {
      if (!resource.provider) problems.push(`${where}: no explicit provider`);
      else if (nameOf(resource.provider).startsWith("default")) problems.push(`${where}: the default provider`);
    }
    if (JSON.stringify(withoutPublicEgress(resource.inputs)).includes("0.0.0.0/0")) problems.push(`${where}: opens 0.0.0.0/0`);
    const policyKey = POLICY_INPUTS[resource.type];
    if (policyKey && typeof resource.inputs[policyKey] === "string") {
      const document = JSON.parse(resource.inputs[policyKey]) as PolicyDocument;
      for (const problem of policyWildcardProblems(document)) problems.push(`${where}: ${problem}`);
    }
    if (STATEFUL_TYPES.has(resource.type) && resource.protect !== production) {
      problems.push(`${where}: protect is ${resource.protect} on a ${production ? "production" : "disposable"} stack`);
    }
    if (resource.type === "kubernetes:helm.sh/v3:Release") {
      for (const problem of unpinnedImageProblems(resource.inputs.values)) problems.push(`${where}: ${problem}`);
    }
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    if (parent && !parent.type.startsWith("pulumi:pulumi:Stack") && !resource.name.startsWith(`${parent.name}-`)) {
      problems.push(`${where}: not named after its parent ${parent.name}`);
    }
  }
  return problems;
}

describe.each(RENDERED_STACKS)("the rendered plan of %s", (stack) => {
  const plan = renderedPlan(stack);

  it("holds every invariant: explicit providers, no open range, no IAM wildcard, protection by level, children named after parents", () => {
    expect(plan.resources.length).toBeGreaterThan(0);
    expect(planProblems(plan.resources, isProduction(stack))).toEqual([]);
  });

  it.skipIf(!chartFilesPresent)(
    `gives hub values that pass the chart's schema (${chartFilesPresent ? "chart present" : SKIP_REASON})`,
    () => {
      if (!plan.resources.some((r) => r.type === "kubernetes:helm.sh/v3:Release")) return;
      expect(chartSchemaErrors(renderedHubValues(stack))).toEqual([]);
    },
  );
});

describe("the invariants can fail", () => {
  const [stack] = RENDERED_STACKS.filter((name) =>
    renderedPlan(name).resources.some((r) => r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:s3/bucketPolicy:BucketPolicy"),
  );
  const base = renderedPlan(stack ?? "dev").resources;
  const broken = (change: (resources: PlanResource[]) => void) => {
    const copy: PlanResource[] = structuredClone(base);
    change(copy);
    return planProblems(copy, isProduction(stack ?? "dev"));
  };

  it("on a resource without a provider, an open range, a renamed child and flipped protection", () => {
    expect(broken((r) => delete r.find((x) => CLOUD_PREFIXES.some((prefix) => x.type.startsWith(prefix)))!.provider)).toContainEqual(
      expect.stringMatching(/no explicit provider/),
    );
    expect(broken((r) => (r[0]!.inputs.cidr = "0.0.0.0/0"))).toContainEqual(expect.stringMatching(/opens 0\.0\.0\.0\/0/));
    expect(broken((r) => (r.find((x) => x.parent && !x.parent.includes("pulumi:pulumi:Stack"))!.name = "stray"))).toContainEqual(
      expect.stringMatching(/not named after its parent/),
    );
    expect(broken((r) => (r.find((x) => STATEFUL_TYPES.has(x.type))!.protect = !isProduction(stack ?? "dev")))).toContainEqual(
      expect.stringMatching(/protect is/),
    );
  });

  it("on hub values naming an image without a tag or digest, or by latest", () => {
    const [withHub] = RENDERED_STACKS.filter((name) =>
      renderedPlan(name).resources.some((r) => r.type === "kubernetes:helm.sh/v3:Release"),
    );
    const hubBase = renderedPlan(withHub!).resources;
    expect(planProblems(hubBase, isProduction(withHub!))).toEqual([]);
    const broken = (change: (resources: PlanResource[]) => void) => {
      const copy: PlanResource[] = structuredClone(hubBase);
      change(copy);
      return planProblems(copy, isProduction(withHub!));
    };
    const release = (r: PlanResource[]) =>
      r.find((x) => x.type === "kubernetes:helm.sh/v3:Release")!.inputs.values as { singleuser: Record<string, unknown> };
    expect(broken((r) => (release(r).singleuser.image = { name: "quay.io/jupyter/scipy-notebook" }))).toContainEqual(
      expect.stringMatching(/singleuser\.image: .* has no tag or digest/),
    );
    expect(broken((r) => (release(r).singleuser.image = { name: "quay.io/jupyter/scipy-notebook", tag: "latest" }))).toContainEqual(
      expect.stringMatching(/uses latest/),
    );
    expect(
      broken(
        (r) =>
          (release(r).singleuser.profileList = [
            { display_name: "x", kubespawner_override: { image: "localhost:5001/hubfleet/workshop" } },
          ]),
      ),
    ).toContainEqual(
      expect.stringMatching(/profileList\[0\]\.kubespawner_override\.image: localhost:5001\/hubfleet\/workshop has no tag or digest/),
    );
  });

  it("on an IAM document with a wildcard action", () => {
    expect(
      broken((r) => {
        const policy = r.find((x) => x.type in POLICY_INPUTS)!;
        const key = POLICY_INPUTS[policy.type]!;
        const document = JSON.parse(policy.inputs[key] as string) as PolicyDocument;
        document.Statement.push({ Sid: "Everything", Effect: "Allow", Action: ["s3:*"], Resource: ["*"] });
        policy.inputs[key] = JSON.stringify(document);
      }),
    ).toContainEqual(expect.stringMatching(/wildcard/));
  });
});
