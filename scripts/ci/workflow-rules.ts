/**
 * The security rules every GitHub workflow of this repository keeps, as a pure function
 * of a parsed workflow (tests run it on the real files and on broken copies):
 * - no stored cloud key: the only secrets are the DigitalOcean token and the state passphrase;
 * - third-party actions pinned by a full commit SHA;
 * - no credential in a workflow-wide or job-wide env, none on an install step, and cloud
 *   logins only after the installs (their credentials reach the steps after them);
 * - a fork guard on pull-request jobs that hold a secret or a cloud identity;
 * - least privilege: `permissions: {}` at the top, each job its own, `id-token: write`
 *   only where a cloud login happens; checkouts that keep no token; no `${{ }}` inside
 *   a `run:` script (values reach scripts through env, never as code).
 */

type Json = Record<string, unknown>;

export const ALLOWED_SECRETS: ReadonlySet<string> = new Set(["DIGITALOCEAN_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"]);
export const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";
const CLOUD_LOGIN = /^(google-github-actions\/auth|aws-actions\/configure-aws-credentials)@/;
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
const INSTALL = /\bnpm (ci|install|i)\b|\byarn install\b|\bpnpm install\b/;

const asObject = (value: unknown): Json => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown) => JSON.stringify(value ?? "");
const secretsIn = (value: unknown) => [...text(value).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

function triggers(workflow: Json): string[] {
  const on = workflow.on ?? workflow[true as unknown as string];
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(asObject(on));
}

export function securityProblems(name: string, workflow: Json): string[] {
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${name}: ${where}: ${what}`);
  const onPullRequest = triggers(workflow).some((t) => t.startsWith("pull_request"));
  if (triggers(workflow).includes("pull_request_target")) problem("on", "pull_request_target runs fork code with a write token");
  if (text(workflow.permissions) !== "{}") problem("permissions", "must be {} at the top; each job asks for its own");
  if (secretsIn(workflow.env).length > 0 || /secrets\./.test(text(workflow.env))) problem("env", "no secret in a workflow-wide env");
  for (const secret of secretsIn(workflow))
    if (!ALLOWED_SECRETS.has(secret)) problem("secrets", `${secret} is not an allowed secret (cloud access is keyless)`);

  for (const [jobName, rawJob] of Object.entries(asObject(workflow.jobs))) {
    const job = asObject(rawJob);
    const where = `jobs.${jobName}`;
    if (job.permissions === undefined) problem(where, "declares no permissions");
    if (secretsIn(job.env).length > 0) problem(`${where}.env`, "no secret in a job-wide env");
    const steps = Array.isArray(job.steps) ? job.steps.map(asObject) : [];
    const logsIn = steps.some((s) => CLOUD_LOGIN.test(String(s.uses ?? "")));
    const callsWithIdentity = typeof job.uses === "string" && asObject(job.permissions)["id-token"] === "write";
    if (asObject(job.permissions)["id-token"] === "write" && !logsIn && !callsWithIdentity)
      problem(where, "id-token: write without a cloud login");
    const holdsSecrets = secretsIn(job).length > 0 || asObject(job.permissions)["id-token"] === "write";
    if (onPullRequest && holdsSecrets && !String(job.if ?? "").includes(FORK_GUARD))
      problem(where, "holds a secret or cloud identity without the fork guard");
    if (steps.some((s) => secretsIn(s).length > 0) && job.environment === undefined)
      problem(where, "uses secrets outside a GitHub environment");
    let loggedIn = false;
    steps.forEach((step, index) => {
      const at = `${where}.steps[${index}]`;
      const uses = String(step.uses ?? "");
      if (uses && !uses.startsWith("./") && !PINNED.test(uses)) problem(at, `${uses} is not pinned by a full commit SHA`);
      if (uses.startsWith("actions/checkout@") && asObject(step.with)["persist-credentials"] !== false)
        problem(at, "checkout must set persist-credentials: false");
      if (CLOUD_LOGIN.test(uses)) loggedIn = true;
      const run = typeof step.run === "string" ? step.run : "";
      if (run.includes("${{")) problem(at, "an expression inside run: (pass it through env)");
      if (INSTALL.test(run)) {
        if (secretsIn(step).length > 0) problem(at, "an install step sees a secret");
        if (loggedIn) problem(at, "an install step runs after a cloud login and sees its credentials");
      }
    });
  }
  return problems;
}

/** Every `run:` script with its shell, for shellcheck. */
export function runScripts(workflow: Json): Array<{ where: string; shell: string; script: string }> {
  const scripts: Array<{ where: string; shell: string; script: string }> = [];
  const defaultShell = String(asObject(asObject(workflow.defaults).run).shell ?? "bash");
  for (const [jobName, rawJob] of Object.entries(asObject(workflow.jobs))) {
    const job = asObject(rawJob);
    const jobShell = String(asObject(asObject(job.defaults).run).shell ?? defaultShell);
    const steps = Array.isArray(job.steps) ? job.steps.map(asObject) : [];
    steps.forEach((step, index) => {
      if (typeof step.run === "string")
        scripts.push({ where: `jobs.${jobName}.steps[${index}]`, shell: String(step.shell ?? jobShell), script: step.run });
    });
  }
  return scripts;
}
