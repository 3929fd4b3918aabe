/**
 * images/knowledge-repo: its server config under Debian's own interpreter
 * (/usr/bin/python3): it compiles, its unit tests pass, and it accepts exactly the
 * environment the component gives the pod. Also the image's pins, and the hub
 * service registration checked against Debian's JupyterHub (3.0; the chart runs
 * 5.x, which has the same `display` and `info` service fields).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  googleRedirectUri,
  knowledgeRepoEnv,
  knowledgeRepoHubValues,
  KNOWLEDGE_REPO_RELEASE,
  NO_ANONYMOUS_ACCESS,
  type KnowledgeRepoSpecInput,
} from "../components/services/knowledge-repo-spec";

const PYTHON = "/usr/bin/python3";
const IMAGE_DIR = path.resolve(__dirname, "..", "images", "knowledge-repo");
const CONFIG = path.join(IMAGE_DIR, "knowledge_server_config.py");

function python(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  // -B: no __pycache__ in the source tree.
  return spawnSync(PYTHON, ["-B", ...args], { input, encoding: "utf8", env: { PATH: process.env.PATH, ...env }, cwd: IMAGE_DIR });
}

const input: KnowledgeRepoSpecInput = {
  tenant: "acme",
  hubReleaseName: "acme-hub",
  hostname: "hub.acme.org",
  serviceName: "knowledge",
  image: "registry.example/knowledge-repo@sha256:0000000000000000000000000000000000000000000000000000000000000000",
  gitSyncImage: "registry.k8s.io/git-sync/git-sync:v4.7.1",
  git: {
    url: "git@github.com:acme/posts.git",
    ref: "main",
    periodSeconds: 90,
    auth: { kind: "ssh", knownHosts: "github.com ssh-ed25519 AAAAC3" },
  },
  googleClientId: "id.apps.googleusercontent.com",
  allowedDomains: ["acme.org", "lab.acme.org"],
  anonymous: { ...NO_ANONYMOUS_ACCESS, viewIndex: true },
  databaseUrl: { secretName: "hubfleet-knowledge-db", key: "SQLALCHEMY_DATABASE_URI" },
  databaseEgress: [],
  workers: 2,
};

/** Loads the config with an environment, then prints the settings the app would get, as JSON. */
const LOAD = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("server_config", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
out = {k: getattr(module, k) for k in dir(module) if k.isupper() and isinstance(getattr(module, k), (str, int, bool, list, type(None)))}
out["redirect"] = module.oauth_redirect_uri(module._public_url, "google")
print(json.dumps(out))
`;

describe("the Knowledge Repo server config", () => {
  it("compiles under Debian's python3", () => {
    const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "krepo-")), "config.pyc");
    const result = python([
      "-c",
      "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
      CONFIG,
      cache,
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("passes its unit tests (domain check, policies, refusals, callback)", () => {
    const result = python(["-m", "unittest", "discover", "-s", IMAGE_DIR, "-p", "test_*.py", "-v"]);
    expect(result.status, result.stderr).toBe(0);
    const ran = /Ran (\d+) tests/.exec(result.stderr);
    expect(Number(ran?.[1])).toBeGreaterThanOrEqual(15);
    expect(result.stderr).toMatch(/test_refuses_other_sub_and_look_alike_domains \S* ?\.\.\. ok/);
  });

  it("starts with exactly the environment the pod gets, and reads its policies and domains", () => {
    const env: Record<string, string> = {};
    for (const variable of knowledgeRepoEnv(input)) {
      // Secret references stand for values the kubelet would fill in.
      env[variable.name] = "value" in variable ? variable.value : `from-secret-${variable.valueFrom.secretKeyRef.key}`;
    }
    env.SQLALCHEMY_DATABASE_URI = "postgresql://knowledge:pw@postgres:5432/knowledge?sslmode=disable";
    env.KNOWLEDGE_SECRET_KEY = "s".repeat(48);
    const result = python(["-c", LOAD, CONFIG], undefined, env);
    expect(result.status, result.stderr).toBe(0);
    const settings = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(settings).toMatchObject({
      AUTH_PROVIDERS: ["google"],
      OAUTH_GOOGLE_CLIENT_ID: "id.apps.googleusercontent.com",
      OAUTH_GOOGLE_CLIENT_SECRET: "from-secret-OAUTH_GOOGLE_CLIENT_SECRET",
      ALLOWED_DOMAINS: ["acme.org", "lab.acme.org"],
      POLICY_ANONYMOUS_VIEW_INDEX: true,
      POLICY_ANONYMOUS_VIEW_POST: false,
      POLICY_ANONYMOUS_DOWNLOADS: false,
      INDEXING_INTERVAL: 90,
      INDEXING_UPDATES_REPOSITORIES: false,
      APPLICATION_ROOT: "/services/knowledge",
      SESSION_COOKIE_PATH: "/services/knowledge",
    });
    // The callback the app sends Google is the one the component tells the operator to register.
    expect(settings.redirect).toBe(googleRedirectUri("hub.acme.org", "knowledge"));
  });

  it("refuses to start without its database URL rather than run on in-memory SQLite", () => {
    const env = Object.fromEntries(knowledgeRepoEnv(input).map((v) => [v.name, "value" in v ? v.value : "x".repeat(40)]));
    delete env.SQLALCHEMY_DATABASE_URI;
    const result = python(["-c", LOAD, CONFIG], undefined, env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("SQLALCHEMY_DATABASE_URI is required");
  });
});

describe("the Knowledge Repo image", () => {
  const dockerfile = fs.readFileSync(path.join(IMAGE_DIR, "Dockerfile"), "utf8");
  const requirements = fs
    .readFileSync(path.join(IMAGE_DIR, "requirements.txt"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));

  it("installs the pinned knowledge-repo release and pins every requirement exactly", () => {
    expect(requirements).toContain(`knowledge-repo[ipynb,oauth]==${KNOWLEDGE_REPO_RELEASE}`);
    for (const line of requirements) expect(line, line).toMatch(/^[A-Za-z0-9._-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*$/);
  });

  it("builds on a patch-pinned Python base and runs as a numeric non-root user", () => {
    const from = /^FROM (\S+)/m.exec(dockerfile)?.[1];
    expect(from).toMatch(/^python:3\.\d+\.\d+-slim-[a-z]+$/);
    const user = /^USER (\d+):(\d+)$/m.exec(dockerfile);
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(dockerfile).toContain("--dev");
    expect(dockerfile).toContain("--noupdate");
  });

  it("puts the server config where the pod's app and gunicorn read it", () => {
    const copied = /^COPY knowledge_server_config\.py (\S+)$/m.exec(dockerfile)?.[1];
    expect(copied).toBe("/etc/knowledge-repo/server_config.py");
    const gunicorn = knowledgeRepoEnv(input).find((v) => v.name === "GUNICORN_CMD_ARGS");
    expect(gunicorn && "value" in gunicorn ? gunicorn.value : "").toContain(`--config=${copied}`);
  });

  it("ships only the config and requirements into the build context", () => {
    const ignore = fs.readFileSync(path.join(IMAGE_DIR, ".dockerignore"), "utf8");
    expect(ignore).toMatch(/^\*$/m);
    expect(ignore).not.toContain("!test_");
    for (const copied of dockerfile.matchAll(/^COPY (\S+)/gm)) expect(ignore).toContain(`!${copied[1]}`);
  });
});

describe("the hub service registration", () => {
  it("uses only fields JupyterHub's Service knows (an unknown field stops the hub)", () => {
    const values = knowledgeRepoHubValues({ tenant: "acme", namespace: "acme", serviceName: "knowledge" }) as {
      hub: { services: Record<string, Record<string, unknown>> };
    };
    const service = values.hub.services.knowledge!;
    const check = `
import json, sys
from jupyterhub.services.service import Service
spec = json.load(sys.stdin)
print(json.dumps(sorted(k for k in spec if k not in Service.class_trait_names())))
`;
    const result = python(["-c", check], JSON.stringify(service));
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(Object.keys(service).sort()).toEqual(["display", "info", "url"]);
  });
});
