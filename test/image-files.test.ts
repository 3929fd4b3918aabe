/**
 * What the images carry, checked by real tools: every Dockerfile by a Dockerfile
 * linter (and pinned bases), the start hook by shellcheck and by running it with
 * bash, the Python helpers and server config by Debian's /usr/bin/python3 (compile
 * and unit tests), the R helpers by Rscript when R is installed, the welcome notebook
 * as nbformat 4 JSON.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validate, ValidationSeverity, type ValidatorSettings } from "dockerfile-utils";
import { afterEach, describe, expect, it } from "vitest";
import { derivedDockerfile } from "../components/images/derived";
import { availableImages, IMAGES_DIR, notebookImages } from "../components/images/image";
import { parseReference, pinnedReferenceProblems } from "../components/images/reference";

const PYTHON = "/usr/bin/python3";
const HOOK = "hooks/50-hubfleet-home-seed";
const DATASCIENCE = path.join(IMAGES_DIR, "datascience");

/** Every check of the linter, as an error. */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

function lint(dockerfile: string): string[] {
  return validate(dockerfile, STRICT).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

function fromImages(dockerfile: string): string[] {
  return dockerfile
    .split("\n")
    .filter((line) => /^FROM\s/i.test(line))
    .map((line) => line.trim().split(/\s+/)[1]!);
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return result;
}

const hasR = run("sh", ["-c", "command -v Rscript"]).status === 0;

describe("the Dockerfiles", () => {
  const dockerfiles = [...availableImages().map((name) => path.join(IMAGES_DIR, name, "Dockerfile"))];

  it.each(dockerfiles)("%s passes the Dockerfile linter and starts from a pinned base", (file) => {
    const text = fs.readFileSync(file, "utf8");
    expect(lint(text)).toEqual([]);
    const bases = fromImages(text);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) {
      expect(pinnedReferenceProblems(base), base).toEqual([]);
      // Jupyter's docker-stacks images are published by date: notebook images pin one, or a digest.
      if (base.startsWith("quay.io/jupyter/"))
        expect(parseReference(base).tag ?? parseReference(base).digest).toMatch(/^\d{4}-\d{2}-\d{2}$|^sha256:/);
    }
  });

  it("the linter finds real mistakes (so a clean result means something)", () => {
    expect(lint("FROM quay.io/jupyter/minimal-notebook:2026-03-30\nCOPY onlyone\nWORKDIR relative\nrun echo\n")).toEqual([
      "line 2: COPY requires at least two arguments",
      "line 3: WORKDIR paths should be absolute",
      "line 4: Instructions should be written in uppercase letters",
    ]);
  });

  it("a generated derived-image Dockerfile passes the linter too", () => {
    const text = derivedDockerfile(`localhost:5001/hubfleet/workshop@sha256:${"a".repeat(64)}`, {
      conda: ["folium=0.19.4"],
      pip: ["ipytail==0.1.2"],
    });
    expect(lint(text)).toEqual([]);
  });

  it("every file the Dockerfiles COPY is in the image folder and not dockerignored", () => {
    for (const name of availableImages()) {
      const text = fs.readFileSync(path.join(IMAGES_DIR, name, "Dockerfile"), "utf8");
      // COPY --from=<stage> takes files from a build stage, not from the folder.
      for (const match of text.matchAll(/^COPY\s+(?!(?:--\S+\s+)*--from=)(?:--\S+\s+)*(\S+)\s+\S+$/gm)) {
        expect(fs.existsSync(path.join(IMAGES_DIR, name, match[1]!)), `${name}: ${match[1]}`).toBe(true);
      }
    }
  });
});

describe("the home seeding start hook", () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A home, an image seed folder and a ConfigMap-shaped mount (files as links into a timestamped folder). */
  function sandbox() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-seed-"));
    temps.push(root);
    const home = path.join(root, "home");
    const image = path.join(root, "image");
    const configMap = path.join(root, "config");
    fs.mkdirSync(home);
    fs.mkdirSync(path.join(image, "docs"), { recursive: true });
    fs.writeFileSync(path.join(image, "README.md"), "image README\n");
    fs.writeFileSync(path.join(image, "docs", "storage.md"), "image storage guide\n");
    fs.mkdirSync(path.join(configMap, "..2026_11_25_10_00_00.123"), { recursive: true });
    fs.writeFileSync(path.join(configMap, "..2026_11_25_10_00_00.123", "README.md"), "config README\n");
    fs.symlinkSync("..2026_11_25_10_00_00.123", path.join(configMap, "..data"));
    fs.symlinkSync("..data/README.md", path.join(configMap, "README.md"));
    const seed = () =>
      run("bash", [path.join(DATASCIENCE, HOOK)], {
        env: { PATH: process.env.PATH, HOME: home, HUBFLEET_HOME_SEED_DIRS: `${configMap}:${image}` },
      });
    return { home, image, configMap, seed };
  }
  const read = (file: string) => fs.readFileSync(file, "utf8");

  it("is the same file, executable, in every image", () => {
    const copies = notebookImages().map((name) => path.join(IMAGES_DIR, name, HOOK));
    expect(copies.length).toBeGreaterThan(1);
    for (const copy of copies) {
      expect(read(copy)).toBe(read(copies[0]!));
      expect(fs.statSync(copy).mode & 0o111).not.toBe(0);
    }
  });

  it("passes shellcheck", () => {
    const result = run("shellcheck", [path.join(DATASCIENCE, HOOK)]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("copies every file on the first start, config before image, ConfigMap internals left out", () => {
    const { home, seed } = sandbox();
    const result = seed();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(read(path.join(home, "README.md"))).toBe("config README\n");
    expect(read(path.join(home, "docs", "storage.md"))).toBe("image storage guide\n");
    expect(fs.existsSync(path.join(home, "..data"))).toBe(false);
    expect(fs.statSync(path.join(home, "README.md")).mode & 0o600).toBe(0o600);
  });

  it("never writes over a user's file, and never brings back a file the user deleted", () => {
    const { home, image, seed } = sandbox();
    fs.writeFileSync(path.join(home, "README.md"), "my own notes\n");
    expect(seed().status).toBe(0);
    expect(read(path.join(home, "README.md"))).toBe("my own notes\n");

    fs.rmSync(path.join(home, "docs", "storage.md"));
    fs.rmSync(path.join(home, "README.md"));
    fs.writeFileSync(path.join(image, "docs", "storage.md"), "a newer guide\n");
    expect(seed().status).toBe(0);
    expect(fs.existsSync(path.join(home, "docs", "storage.md"))).toBe(false);
    expect(fs.existsSync(path.join(home, "README.md"))).toBe(false);
  });

  it("seeds a file added to the config later, once", () => {
    const { image, seed } = sandbox();
    expect(seed().status).toBe(0);
    fs.writeFileSync(path.join(image, "Welcome.ipynb"), "{}\n");
    const second = seed();
    expect(second.stdout).toBe("hubfleet: seeded ~/Welcome.ipynb\n");
    expect(seed().stdout).toBe("");
  });
});

describe("the datascience image's Python files, under Debian's python3", () => {
  it("compile", () => {
    const files = ["jupyter_server_config.py", "python/hubfleet/__init__.py", "python/hubfleet/drives.py", "python/hubfleet/explore.py"];
    const result = run(PYTHON, [
      "-c",
      "import sys\nfor f in sys.argv[1:]: compile(open(f, encoding='utf-8').read(), f, 'exec')",
      ...files.map((f) => path.join(DATASCIENCE, f)),
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("pass their unit tests: drives from sample environments, explore settings, the server config as Jupyter loads it", () => {
    const result = run(PYTHON, ["-m", "unittest", "discover", "-s", path.join(DATASCIENCE, "tests"), "-v"], {
      env: { PATH: process.env.PATH, PYTHONPATH: path.join(DATASCIENCE, "python"), PYTHONDONTWRITEBYTECODE: "1" },
    });
    expect(result.stderr).toMatch(/^Ran (\d+) tests/m);
    expect(Number(/^Ran (\d+) tests/m.exec(result.stderr)![1])).toBeGreaterThanOrEqual(14);
    expect(result.stderr).toMatch(/\nOK\n/);
    expect(result.status).toBe(0);
  });
});

describe.skipIf(!hasR)("the datascience image's R helpers, under Rscript", () => {
  it("load the way Rprofile.site attaches them, and read the explore and S3 settings from a sample environment", () => {
    const dockerfile = fs.readFileSync(path.join(DATASCIENCE, "Dockerfile"), "utf8");
    const profileLine = /^RUN echo '(.+)' >> "\$\{CONDA_DIR\}\/lib\/R\/etc\/Rprofile.site"$/m.exec(dockerfile)![1]!;
    const script = `
${profileLine.replace("/opt/hubfleet/R/hubfleet.R", path.join(DATASCIENCE, "R", "hubfleet.R"))}
stopifnot("hubfleet" %in% search(), exists("explore_connect"), exists("hubfleet_s3"))
s <- explore_settings(Sys.getenv())
cat(s$host, s$port, s$dbname, s$user, nchar(s$password), "\\n")
cfg <- hubfleet_s3_config(Sys.getenv())
cat(cfg$endpoint, cfg$s3_force_path_style, cfg$region, "\\n")
cat(length(hubfleet_s3_config(c(AWS_DEFAULT_REGION = "eu-west-1"))), "\\n")
r <- tryCatch(explore_settings(c(EXPLORE_DB_HOST = "h")), error = conditionMessage)
cat(r, "\\n")
`;
    const result = run("Rscript", ["--vanilla", "-e", script], {
      env: {
        PATH: process.env.PATH,
        EXPLORE_DB_HOST: "10.32.0.5",
        EXPLORE_DB_PORT: "5432",
        EXPLORE_DB_NAME: "explore",
        EXPLORE_DB_USER: "explore",
        EXPLORE_DB_PASSWORD: "s3cret",
        AWS_ENDPOINT_URL: "http://minio:9000",
        AWS_DEFAULT_REGION: "us-east-1",
      },
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")).toEqual([
      "10.32.0.5 5432 explore explore 6 ",
      "http://minio:9000 TRUE us-east-1 ",
      "1 ",
      "no explore database here: EXPLORE_DB_PORT, EXPLORE_DB_NAME, EXPLORE_DB_USER, EXPLORE_DB_PASSWORD not set ",
      "",
    ]);
  });
});

describe("the welcome files", () => {
  it("PipalHub's Welcome.ipynb is an nbformat 4 notebook with text and code cells and no outputs", () => {
    const notebook = JSON.parse(fs.readFileSync(path.join(IMAGES_DIR, "workshop", "home-seed", "Welcome.ipynb"), "utf8")) as {
      nbformat: number;
      cells: { cell_type: string; id: string; outputs?: unknown[] }[];
    };
    expect(notebook.nbformat).toBe(4);
    expect(new Set(notebook.cells.map((c) => c.cell_type))).toEqual(new Set(["markdown", "code"]));
    expect(new Set(notebook.cells.map((c) => c.id)).size).toBe(notebook.cells.length);
    expect(notebook.cells.filter((c) => c.cell_type === "code").every((c) => c.outputs?.length === 0)).toBe(true);
  });

  it("Habari's README states the data-protection rules and the storage guide", () => {
    const readme = fs.readFileSync(path.join(DATASCIENCE, "home-seed", "README.md"), "utf8");
    for (const needle of [
      "Never upload sensitive or personal data",
      "getpass",
      "getPass",
      "`lake` drive",
      "`notebooks` drive",
      "`public` drive",
      "explore",
    ]) {
      expect(readme).toContain(needle);
    }
  });
});
