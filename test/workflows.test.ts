/**
 * Checks on the GitHub workflows: GitHub's own workflow parser and schema (the
 * @actions/workflow-parser package the Actions language server uses, offline), shellcheck
 * on every `run:` script and on scripts/ci/*.sh, and the security rules of
 * scripts/ci/workflow-rules.ts on the real files and on broken copies of them.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { runScripts, securityProblems } from "../scripts/ci/workflow-rules";

const projectDir = path.resolve(__dirname, "..");
const workflowDir = path.join(projectDir, ".github", "workflows");
const workflowFiles = fs
  .readdirSync(workflowDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (file: string) => fs.readFileSync(path.join(workflowDir, file), "utf8");
const parsed = (file: string) => parseYaml(read(file)) as Record<string, unknown>;

/** Errors per file from GitHub's workflow parser, run once for all files (an ESM package, in its own process). */
function validate(files: readonly string[]): Record<string, string[]> {
  const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/ci/validate-workflows.ts", "--json", ...files], {
    cwd: projectDir,
    encoding: "utf8",
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`validate-workflows.ts failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string[]>;
}

describe("workflow schema", () => {
  it("finds the three workflows the project runs, and their helpers", () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining(["pull-request.yml", "deploy.yml", "drift.yml", "deploy-stack.yml", "pr-comment.yml"]),
    );
  });

  // A broken copy proves the validator bites: a misspelt key and an unknown context.
  const broken = path.join(os.tmpdir(), `hubfleet-broken-workflow-${process.pid}.yml`);
  fs.writeFileSync(
    broken,
    read("drift.yml").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest").replace("${{ github.token }}", "${{ gihub.token }}"),
  );
  const report = validate([...workflowFiles.map((f) => path.join(".github", "workflows", f)), broken]);
  fs.rmSync(broken);

  it.each(workflowFiles)("%s passes GitHub's workflow schema", (file) => {
    expect(report[path.join(".github", "workflows", file)]).toEqual([]);
  });

  it("rejects a misspelt key and an unknown expression context (the validator bites)", () => {
    const errors = (report[broken] ?? []).join("\n");
    expect(errors).toMatch(/runs_on/);
    expect(errors).toMatch(/gihub/);
  });
});

describe("shell in workflows and scripts/ci", () => {
  const shellcheck = (file: string) => spawnSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });

  it("shellcheck is installed (scripts/install-system-deps.sh installs it from Debian)", () => {
    const probe = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
    expect(probe.error, "shellcheck is missing: run bash scripts/install-system-deps.sh").toBeUndefined();
  });

  it("every run: step passes shellcheck with its shell", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-run-steps-"));
    const failures: string[] = [];
    let count = 0;
    for (const file of workflowFiles) {
      for (const { where, shell, script } of runScripts(parsed(file))) {
        expect(shell, `${file} ${where}`).toMatch(/^bash/);
        const scriptFile = path.join(dir, `${file}-${count++}.sh`);
        // GitHub runs bash steps with -e and pipefail; expressions never appear in run: (a rule below).
        fs.writeFileSync(scriptFile, `#!/usr/bin/env bash\nset -eo pipefail\n${script}`);
        const result = shellcheck(scriptFile);
        if (result.status !== 0) failures.push(`${file} ${where}:\n${result.stdout}${result.stderr}`);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    expect(count).toBeGreaterThan(5);
    expect(failures).toEqual([]);
  });

  it("scripts/ci/*.sh and scripts/install-system-deps.sh pass shellcheck", () => {
    const scripts = [
      ...fs
        .readdirSync(path.join(projectDir, "scripts", "ci"))
        .filter((f) => f.endsWith(".sh"))
        .map((f) => path.join("scripts", "ci", f)),
      "scripts/install-system-deps.sh",
    ];
    expect(scripts.length).toBeGreaterThan(3);
    for (const script of scripts) {
      const result = shellcheck(path.join(projectDir, script));
      expect(result.status, `${script}\n${result.stdout}`).toBe(0);
    }
  });

  it("shellcheck catches a broken step (the check bites)", () => {
    const file = path.join(os.tmpdir(), `hubfleet-broken-${process.pid}.sh`);
    fs.writeFileSync(file, "#!/usr/bin/env bash\nfor f in $(ls *.yaml); do echo $f; done\n");
    expect(shellcheck(file).status).not.toBe(0);
    fs.rmSync(file);
  });
});

describe("workflow security", () => {
  it.each(workflowFiles)("%s keeps every rule", (file) => {
    expect(securityProblems(file, parsed(file))).toEqual([]);
  });

  it("cloud access is keyless: OIDC logins, and no stored cloud key anywhere", () => {
    const all = workflowFiles.map(read).join("\n");
    expect(all).not.toMatch(/GOOGLE_CREDENTIALS|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|credentials_json/);
    expect(all).toMatch(/workload_identity_provider: \$\{\{ vars\.GCP_WORKLOAD_IDENTITY_PROVIDER \}\}/);
    expect(all).toMatch(/role-to-assume: \$\{\{ vars\.AWS_(PREVIEW|DEPLOY)_ROLE_ARN \}\}/);
  });

  it("every third-party action line names the tag its SHA stands for", () => {
    for (const file of workflowFiles) {
      for (const line of read(file)
        .split("\n")
        .filter((l) => /^\s*(- )?uses: (?!\.\/)/.test(l))) {
        expect(line, file).toMatch(/@[0-9a-f]{40} # v\d+(\.\d+)*$/);
      }
    }
  });

  it("deploy runs one job per stack in an environment, one concurrency group per stack", () => {
    const stackJob = (parsed("deploy-stack.yml").jobs as Record<string, Record<string, unknown>>).up!;
    expect(stackJob.environment).toBe("production");
    expect(stackJob.concurrency).toEqual({ group: "pulumi-stack-${{ inputs.stack }}", "cancel-in-progress": false });
    const deployJobs = parsed("deploy.yml").jobs as Record<string, Record<string, unknown>>;
    expect(deployJobs.wave2!.needs).toEqual(["plan", "wave1"]);
    expect(deployJobs.wave3!.needs).toEqual(["plan", "wave2"]);
  });

  describe("rejects broken copies", () => {
    const preview = () =>
      structuredClone(parsed("pull-request.yml")) as { jobs: Record<string, Record<string, unknown>> } & Record<string, unknown>;
    const problems = (workflow: Record<string, unknown>) => securityProblems("copy.yml", workflow).join("\n");

    it("a stored Google key", () => {
      const w = preview();
      (w.jobs.preview!.steps as Array<Record<string, unknown>>).push({
        run: "true",
        env: { GOOGLE_CREDENTIALS: "${{ secrets.GOOGLE_CREDENTIALS }}" },
      });
      expect(problems(w)).toContain("GOOGLE_CREDENTIALS is not an allowed secret");
    });

    it("an action pinned by tag", () => {
      const w = preview();
      (w.jobs.test!.steps as Array<Record<string, unknown>>)[1]!.uses = "actions/setup-node@v7";
      expect(problems(w)).toContain("actions/setup-node@v7 is not pinned by a full commit SHA");
    });

    it("a credential in a job-wide env", () => {
      const w = preview();
      w.jobs.preview!.env = { DIGITALOCEAN_ACCESS_TOKEN: "${{ secrets.DIGITALOCEAN_ACCESS_TOKEN }}" };
      expect(problems(w)).toContain("jobs.preview.env: no secret in a job-wide env");
    });

    it("no fork guard", () => {
      const w = preview();
      w.jobs.preview!.if = "${{ vars.PULUMI_BACKEND_URL != '' }}";
      expect(problems(w)).toContain("jobs.preview: holds a secret or cloud identity without the fork guard");
    });

    it("an install after a cloud login, and a secret on an install", () => {
      const w = preview();
      const steps = w.jobs.preview!.steps as Array<Record<string, unknown>>;
      steps.push({ run: "npm ci", env: { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" } });
      const text = problems(w);
      expect(text).toContain("an install step sees a secret");
      expect(text).toContain("an install step runs after a cloud login");
    });

    it("broad permissions and an expression in a script", () => {
      const w = preview();
      w.permissions = { contents: "write" };
      (w.jobs.test!.steps as Array<Record<string, unknown>>).push({ run: "echo ${{ github.head_ref }}" });
      const text = problems(w);
      expect(text).toContain("permissions: must be {}");
      expect(text).toContain("an expression inside run:");
    });
  });
});
