/**
 * The CI scripts as pure functions and with fakes for GitHub and the Pulumi CLI:
 * deploy waves from the real stack files, the one PR comment, previews and drift issues.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { deployPlan } from "../scripts/ci/deploy-plan";
import { checkDrift, driftVerdict, type DriftResult } from "../scripts/ci/drift-check";
import { applyDriftActions, driftActions, issueTitle } from "../scripts/ci/drift-issues";
import { gitHub, type Fetch, type GitHub } from "../scripts/ci/github";
import { checkHead, COMMENT_MARKER, postSection, upsertSection } from "../scripts/ci/pr-comment";
import { previewMarkdown, previewStacks, previewTargets } from "../scripts/ci/preview-stacks";
import { resourceSummary, type RunPulumi } from "../scripts/ci/pulumi-cli";
import { dependentsOf, deployWaves, isSharedClusterStack, stackReferences } from "../scripts/ci/stack-graph";

const projectDir = path.resolve(__dirname, "..");
const stackFiles = new Map(
  fs.readdirSync(projectDir).flatMap((f) => {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1];
    return stack ? [[stack, fs.readFileSync(path.join(projectDir, f), "utf8")] as const] : [];
  }),
);

const tenantOn = (cluster: string, bucketFrom?: string) =>
  `config:\n  hubfleet:cluster:\n    kind: shared\n    shared:\n      stack: organization/hubfleet/${cluster}\n` +
  (bucketFrom
    ? `  hubfleet:storage:\n    kind: s3\n    s3:\n      publicBucket:\n        stack: organization/hubfleet/${bucketFrom}\n`
    : "");
const fleet = new Map([
  ["cluster", "config:\n  hubfleet:role: sharedCluster\n  hubfleet:cluster:\n    kind: gke\n"],
  ["alpha", tenantOn("cluster")],
  ["beta", tenantOn("cluster", "alpha")],
  ["solo", "config:\n  hubfleet:cluster:\n    kind: doks\n"],
]);

describe("deploy order", () => {
  it("reads the stacks a stack file references under any stack: key, and shared cluster stacks", () => {
    expect(stackReferences(fleet.get("beta")!)).toEqual(["alpha", "cluster"]);
    expect(stackReferences(fleet.get("solo")!)).toEqual([]);
    expect(isSharedClusterStack(fleet.get("cluster")!)).toBe(true);
    expect(isSharedClusterStack(fleet.get("alpha")!)).toBe(false);
  });

  it("deploys a shared cluster before its tenants, and a tenant after the tenants it reads", () => {
    expect(deployPlan("all", [], fleet, 3).waves).toEqual([["cluster", "solo"], ["alpha"], ["beta"]]);
  });

  it("a cluster stack change re-deploys the tenants that read its outputs, nothing else", () => {
    const stacks = [...fleet.keys()];
    expect(deployPlan(["Pulumi.cluster.yaml"], stacks, fleet, 3).waves).toEqual([["cluster"], ["alpha"], ["beta"]]);
    expect(deployPlan(["Pulumi.solo.yaml"], stacks, fleet, 3).waves).toEqual([["solo"]]);
  });

  it("lists a removed stack file without deploying it, and refuses more waves than the workflow has", () => {
    const withoutSolo = new Map([...fleet].filter(([stack]) => stack !== "solo"));
    expect(deployPlan(["Pulumi.solo.yaml"], [...fleet.keys()], withoutSolo, 3)).toEqual({ waves: [], removed: ["solo"] });
    expect(() => deployPlan("all", [], fleet, 2)).toThrow(/need 3 deploy waves; the workflow has 2/);
  });

  it("orders this repository's stacks: every referenced stack in an earlier wave, shared clusters first", () => {
    const plan = deployPlan("all", [], stackFiles, 3);
    expect(plan.waves.flat().sort()).toEqual([...stackFiles.keys()].sort());
    const waveOf = (stack: string) => plan.waves.findIndex((wave) => wave.includes(stack));
    let references = 0;
    for (const [stack, text] of stackFiles) {
      if (isSharedClusterStack(text)) expect(waveOf(stack), stack).toBe(0);
      for (const referenced of stackReferences(text).filter((r) => stackFiles.has(r))) {
        references++;
        expect(waveOf(referenced), `${stack} reads ${referenced}`).toBeLessThan(waveOf(stack));
      }
    }
    expect(references).toBeGreaterThan(0);
  });

  it("finds transitive dependents and refuses a reference cycle", () => {
    const refs = new Map([
      ["a", []],
      ["b", ["a"]],
      ["c", ["b"]],
      ["d", []],
    ]);
    expect(dependentsOf(["a"], refs)).toEqual(["a", "b", "c"]);
    expect(() =>
      deployWaves(
        ["x", "y"],
        new Map([
          ["x", ["y"]],
          ["y", ["x"]],
        ]),
      ),
    ).toThrow(/cycle among x, y/);
  });
});

/** A GitHub that keeps comments and issues in memory and records each call. */
function fakeGitHub(comments: Array<{ id: number; body: string }> = [], headSha = "abc") {
  const calls: string[] = [];
  const github: GitHub = {
    async request<T>(method: string, url: string, body?: unknown): Promise<T> {
      calls.push(`${method} ${url}`);
      if (method === "GET" && url.includes("/pulls/")) return { head: { sha: headSha } } as T;
      const payload = body as { body: string };
      if (method === "POST" && url.endsWith("/comments")) {
        comments.push({ id: 100 + comments.length, body: payload.body });
        return { id: 100 + comments.length - 1 } as T;
      }
      if (method === "PATCH" && url.includes("/issues/comments/")) comments.find((c) => url.endsWith(`/${c.id}`))!.body = payload.body;
      return {} as T;
    },
    async list<T>(url: string): Promise<T[]> {
      calls.push(`LIST ${url}`);
      return comments as T[];
    },
  };
  return { github, calls, comments };
}

describe("the one pull-request comment", () => {
  it("keeps sections in order and replaces only the one posted", () => {
    const first = upsertSection(undefined, "preview", "preview v1");
    const second = upsertSection(first, "render-diff", "diff v1");
    const third = upsertSection(second, "render-diff", "diff v2");
    expect(third.startsWith(COMMENT_MARKER)).toBe(true);
    expect(third).toContain("diff v2");
    expect(third).not.toContain("diff v1");
    expect(third.indexOf("diff v2")).toBeLessThan(third.indexOf("preview v1"));
  });

  it("is created once, then updated in place, beside other people's comments", async () => {
    const fake = fakeGitHub([{ id: 7, body: "LGTM" }]);
    const id = await postSection(fake.github, "o/r", 5, "render-diff", "first push");
    expect(await postSection(fake.github, "o/r", 5, "render-diff", "second push")).toBe(id);
    await postSection(fake.github, "o/r", 5, "preview", "previewed");
    expect(fake.comments).toHaveLength(2);
    expect(fake.comments[1]!.body).toContain("second push");
    expect(fake.comments[1]!.body).toContain("previewed");
    expect(fake.calls.filter((c) => c.startsWith("POST"))).toEqual(["POST /repos/o/r/issues/5/comments"]);
  });

  it("refuses a pull request whose head moved past the reported commit", async () => {
    await expect(checkHead(fakeGitHub([], "def").github, "o/r", 5, "abc")).rejects.toThrow(/#5 is at def, not abc/);
    await expect(checkHead(fakeGitHub([], "abc").github, "o/r", 5, "abc")).resolves.toBeUndefined();
  });

  it("calls the REST API with the token, pages through lists and reports failures", async () => {
    const seen: Array<{ url: string; auth: string }> = [];
    const fetchFn: Fetch = async (url, init) => {
      seen.push({ url, auth: init.headers.authorization! });
      if (url.includes("/fail")) return { ok: false, status: 403, json: async () => ({}), text: async () => "forbidden" };
      const page = Number(new URL(url).searchParams.get("page"));
      return { ok: true, status: 200, json: async () => Array.from({ length: page === 1 ? 100 : 3 }, (_, i) => i), text: async () => "" };
    };
    const client = gitHub("t0k", fetchFn, "https://api.example");
    expect(await client.list("/repos/o/r/issues/1/comments")).toHaveLength(103);
    expect(seen.map((s) => s.url)).toEqual([
      "https://api.example/repos/o/r/issues/1/comments?per_page=100&page=1",
      "https://api.example/repos/o/r/issues/1/comments?per_page=100&page=2",
    ]);
    expect(seen[0]!.auth).toBe("Bearer t0k");
    await expect(client.request("GET", "/fail")).rejects.toThrow("GitHub GET /fail: 403 forbidden");
  });
});

/** A Pulumi CLI that knows some deployed stacks and answers previews from a table. */
function fakePulumi(deployed: string[], answers: Record<string, { code: number; output: string }>) {
  const calls: string[][] = [];
  const run: RunPulumi = (args) => {
    calls.push([...args]);
    if (args[0] === "stack")
      return { code: 0, output: JSON.stringify(deployed.map((name) => ({ name: `organization/hubfleet/${name}`, current: false }))) };
    return answers[args[2]!] ?? { code: 1, output: "unexpected" };
  };
  return { run, calls };
}

const PREVIEW_OUTPUT = `Previewing update (openhexa)\n\n  ~ gcp:container/nodePool:NodePool users update [diff: ~nodeConfig]\n\nResources:\n    ~ 1 to update\n    41 unchanged\n\nDuration: 12s\n`;

describe("pull-request previews", () => {
  it("previews the touched stacks in the backend, lists new and removed ones", () => {
    const targets = previewTargets(
      [
        { stack: "openhexa", change: "changed" },
        { stack: "newco", change: "added" },
        { stack: "old", change: "removed" },
      ],
      ["openhexa", "old"],
    );
    expect(targets).toEqual({ preview: ["openhexa"], notInBackend: ["newco"], removed: ["old"] });
  });

  it("runs pulumi preview --diff with the policy pack and summarises each stack", () => {
    const fake = fakePulumi(["openhexa", "pipalhub"], {
      openhexa: { code: 0, output: PREVIEW_OUTPUT },
      pipalhub: { code: 255, output: "error: policy violation" },
    });
    const { markdown, ok } = previewStacks(
      [
        { stack: "openhexa", change: "changed" },
        { stack: "pipalhub", change: "changed" },
        { stack: "newco", change: "added" },
      ],
      fake.run,
      "policy",
    );
    expect(fake.calls.slice(1)).toEqual([
      ["preview", "--stack", "openhexa", "--diff", "--policy-pack", "policy"],
      ["preview", "--stack", "pipalhub", "--diff", "--policy-pack", "policy"],
    ]);
    expect(ok).toBe(false);
    expect(markdown).toContain("<code>openhexa</code>: ~ 1 to update, 41 unchanged");
    expect(markdown).toContain("<details open><summary><code>pipalhub</code>: **preview failed**");
    expect(markdown).toContain("- `newco`: new, not previewed");
  });

  it("reads the Resources block of a preview", () => {
    expect(resourceSummary(PREVIEW_OUTPUT)).toEqual(["~ 1 to update", "41 unchanged"]);
    expect(resourceSummary("error: could not load plugin")).toEqual([]);
    expect(previewMarkdown([], { preview: [], notInBackend: [], removed: [] })).toContain("No touched stack.");
  });
});

describe("nightly drift", () => {
  it("tells drift from failure by Pulumi's --expect-no-changes message", () => {
    expect(driftVerdict(0, "")).toBe("clean");
    expect(driftVerdict(255, "error: no changes were expected but changes were proposed")).toBe("drifted");
    expect(driftVerdict(255, "error: no changes were expected for preview but changes were proposed")).toBe("drifted");
    expect(driftVerdict(255, "error: failed to refresh: 403")).toBe("failed");
  });

  it("skips a stack that is not deployed, and refreshes the others", () => {
    const fake = fakePulumi(["openhexa"], { openhexa: { code: 0, output: "no changes" } });
    expect(checkDrift("newco", fake.run).status).toBe("not-deployed");
    expect(checkDrift("openhexa", fake.run).status).toBe("clean");
    expect(fake.calls.at(-1)).toEqual(["preview", "--stack", "openhexa", "--refresh", "--expect-no-changes", "--diff"]);
  });

  const result = (stack: string, status: DriftResult["status"]): DriftResult => ({ stack, status, output: `${stack} output` });

  it("opens one issue per drifted stack, updates it while drift lasts, closes it when clean", () => {
    const open = [
      { number: 11, title: issueTitle("pipalhub") },
      { number: 12, title: issueTitle("openhexa") },
      { number: 13, title: issueTitle("dev") },
    ];
    const actions = driftActions(
      [
        result("habari-cluster", "drifted"),
        result("pipalhub", "drifted"),
        result("openhexa", "clean"),
        result("dev", "failed"),
        result("newco", "not-deployed"),
      ],
      open,
      "https://run",
    );
    expect(actions.map((a) => `${a.kind} ${a.stack}`)).toEqual(["open habari-cluster", "close openhexa", "update pipalhub"]);
    const opened = actions[0] as { title: string; body: string };
    expect(opened.title).toBe("Drift in stack habari-cluster");
    expect(opened.body).toContain("habari-cluster output");
    expect(opened.body).toContain("https://run");
  });

  it("applies the actions as REST calls, closing with a comment", async () => {
    const fake = fakeGitHub();
    await applyDriftActions(fake.github, "o/r", [
      { kind: "open", stack: "a", title: "Drift in stack a", body: "b" },
      { kind: "update", stack: "c", issue: 3, body: "b" },
      { kind: "close", stack: "d", issue: 4, comment: "clean" },
    ]);
    expect(fake.calls).toEqual([
      "POST /repos/o/r/issues",
      "PATCH /repos/o/r/issues/3",
      "POST /repos/o/r/issues/4/comments",
      "PATCH /repos/o/r/issues/4",
    ]);
  });
});
