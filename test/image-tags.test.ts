/**
 * The pure side of the image builds: content tags (order, .dockerignore, every byte),
 * digest references and their chart form, pinned external references, derived
 * images' Dockerfiles and the home seed ConfigMap.
 */
import * as fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTag, folderContentTag, includedPaths, readContextFiles, type ContextFile } from "../components/images/content-tag";
import { choiceKey, imageBuildPlan, imageChoiceProblems } from "../components/images/choice";
import { addedPackagesProblems, derivedDockerfile, derivedTag } from "../components/images/derived";
import { homeSeedConfigMap, homeSeedProblems, homeSeedValues } from "../components/images/home-seed";
import { availableImages, IMAGES_DIR, imageNameProblems, notebookImages } from "../components/images/image";
import { chartFilesPresent, chartSchemaErrors } from "./support/chart-schema";
import { chartImage, chartImageValue, digestReference, parseReference, pinnedReferenceProblems } from "../components/images/reference";

const HEX = "0123456789abcdef".repeat(4);

const fileArb = fc.record({
  path: fc.stringMatching(/^[a-z]{1,6}(\/[a-z]{1,6}){0,2}\.(py|sh|txt)$/),
  content: fc.string({ maxLength: 40 }),
  executable: fc.boolean(),
});
const filesArb = fc.uniqueArray(fileArb, { selector: (f) => f.path, minLength: 1, maxLength: 8 });

describe("the content tag of a set of files", () => {
  it("does not depend on the order the files are listed in", () => {
    fc.assert(
      fc.property(filesArb, fc.infiniteStream(fc.nat()), (files, randoms) => {
        const shuffled = [...files]
          .map((f) => ({ f, k: randoms.next().value }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.f);
        expect(contentTag(shuffled)).toBe(contentTag(files));
      }),
    );
  });

  it("changes when any one file's content, path or executable bit changes, or a file comes or goes", () => {
    fc.assert(
      fc.property(filesArb, fc.nat(), (files, pick) => {
        const i = pick % files.length;
        const base = contentTag(files);
        const changed = (change: Partial<ContextFile>) => files.map((f, j) => (j === i ? { ...f, ...change } : f));
        expect(contentTag(changed({ content: `${files[i]!.content}!` }))).not.toBe(base);
        expect(contentTag(changed({ executable: !files[i]!.executable }))).not.toBe(base);
        expect(contentTag(changed({ path: `${files[i]!.path}.moved` }))).not.toBe(base);
        expect(contentTag(files.filter((_, j) => j !== i))).not.toBe(base);
        expect(contentTag([...files, { path: "zz/new.txt", content: "", executable: false }])).not.toBe(base);
      }),
    );
  });

  it("cannot be fooled by moving bytes between a path and its content", () => {
    expect(contentTag([{ path: "ab", content: "c", executable: false }])).not.toBe(
      contentTag([{ path: "a", content: "bc", executable: false }]),
    );
  });

  it("is a valid Docker tag that says how it was made", () => {
    expect(contentTag([{ path: "Dockerfile", content: "FROM x:1\n", executable: false }])).toMatch(/^content-[0-9a-f]{16}$/);
  });

  it("follows Docker's .dockerignore rules, exceptions included", () => {
    const paths = [
      "Dockerfile",
      "README.md",
      "docs/README.md",
      "tests/test_a.py",
      "python/x/__pycache__/a.pyc",
      "python/x/a.py",
      "keep.md",
    ];
    expect(includedPaths(paths, "*.md\n!keep.md\ntests\n**/__pycache__\n# a comment\n")).toEqual([
      "Dockerfile",
      "docs/README.md",
      "python/x/a.py",
      "keep.md",
    ]);
    expect(includedPaths(paths, undefined)).toEqual(paths);
  });
});

describe("the content tag of an image folder on disk", () => {
  let dir: string;
  const write = (relative: string, text: string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
    fs.chmodSync(path.join(dir, relative), mode);
  };

  beforeAll(() => {
    // A copy of the real datascience folder, so that edits never touch the repository.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-image-"));
    fs.cpSync(path.join(IMAGES_DIR, "datascience"), dir, { recursive: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("leaves out what the image's .dockerignore excludes (README, tests, caches)", () => {
    const paths = readContextFiles(dir).map((f) => f.path);
    expect(paths).toContain("Dockerfile");
    expect(paths).toContain("python/hubfleet/drives.py");
    expect(paths).toContain("hooks/50-hubfleet-home-seed");
    expect(paths.filter((p) => p === "README.md" || p.startsWith("tests/") || p.includes("__pycache__"))).toEqual([]);
  });

  it("stays when only ignored files change, and changes when a built file does", () => {
    const before = folderContentTag(dir);
    write("README.md", "a different README\n");
    write("tests/test_new.py", "x = 1\n");
    write("python/hubfleet/__pycache__/drives.cpython-311.pyc", "bytes");
    expect(folderContentTag(dir)).toBe(before);

    write("home-seed/README.md", `${fs.readFileSync(path.join(dir, "home-seed/README.md"), "utf8")}\nOne more line.\n`);
    const afterEdit = folderContentTag(dir);
    expect(afterEdit).not.toBe(before);

    fs.chmodSync(path.join(dir, "hooks/50-hubfleet-home-seed"), 0o644);
    expect(folderContentTag(dir)).not.toBe(afterEdit);
  });

  it("lists the buildable images: the folders with a Dockerfile, internal ones left out", () => {
    expect(availableImages()).toEqual(["dashboard", "datascience", "knowledge-repo", "workshop"]);
    expect(notebookImages()).toEqual(["datascience", "workshop"]);
    expect(imageNameProblems("dashboard")[0]).toMatch(/choose one of datascience, workshop/);
    expect(imageNameProblems("workshop")).toEqual([]);
    expect(imageNameProblems("_derived")[0]).toMatch(/choose one of datascience, workshop/);
  });
});

describe("digest references", () => {
  it("join a repository and a sha256 digest, and nothing else", () => {
    expect(digestReference("europe-west1-docker.pkg.dev/p/acme-images/datascience", `sha256:${HEX}`)).toBe(
      `europe-west1-docker.pkg.dev/p/acme-images/datascience@sha256:${HEX}`,
    );
    expect(() => digestReference("r/x", "content-0123")).toThrow(/not a sha256 digest/);
    expect(() => digestReference("r/x", "")).toThrow(/not a sha256 digest/);
  });

  it("give the chart a name and tag that its `name:tag` join turns back into the same reference", () => {
    const ref = `localhost:5001/hubfleet/workshop@sha256:${HEX}`;
    const { name, tag } = chartImage(ref);
    expect({ name, tag }).toEqual({ name: "localhost:5001/hubfleet/workshop@sha256", tag: HEX });
    expect(`${name}:${tag}`).toBe(ref);
    expect(() => chartImage("quay.io/jupyter/scipy-notebook:2025-10-20")).toThrow(/not a digest reference/);
  });

  it("become the chart's image value whether pinned by digest or by tag, never unpinned", () => {
    expect(chartImageValue(`localhost:5001/hubfleet/workshop@sha256:${HEX}`)).toEqual({
      name: "localhost:5001/hubfleet/workshop@sha256",
      tag: HEX,
    });
    expect(chartImageValue("quay.io/jupyter/scipy-notebook:2025-10-20")).toEqual({
      name: "quay.io/jupyter/scipy-notebook",
      tag: "2025-10-20",
    });
    expect(() => chartImageValue("quay.io/jupyter/scipy-notebook")).toThrow(/not pinned/);
  });

  it("parse registry ports apart from tags", () => {
    expect(parseReference("localhost:5001/hubfleet/x:content-1@sha256:abc")).toEqual({
      name: "localhost:5001/hubfleet/x",
      tag: "content-1",
      digest: "sha256:abc",
    });
    expect(parseReference("localhost:5001/hubfleet/x")).toEqual({ name: "localhost:5001/hubfleet/x" });
  });
});

describe("an external image reference", () => {
  it("is accepted when pinned by a tag or a digest", () => {
    expect(pinnedReferenceProblems("quay.io/jupyter/scipy-notebook:2025-10-20")).toEqual([]);
    expect(pinnedReferenceProblems(`quay.io/jupyter/scipy-notebook@sha256:${HEX}`)).toEqual([]);
    expect(pinnedReferenceProblems(`quay.io/jupyter/scipy-notebook:latest@sha256:${HEX}`)).toEqual([]);
  });

  it("is refused without a tag, with latest, or with a malformed digest", () => {
    expect(pinnedReferenceProblems("quay.io/jupyter/scipy-notebook")[0]).toMatch(/not pinned/);
    expect(pinnedReferenceProblems("jupyter/scipy-notebook:latest")[0]).toMatch(/uses latest/);
    expect(pinnedReferenceProblems("quay.io/jupyter/scipy-notebook@sha256:abc")[0]).toMatch(/not sha256:<64 hex digits>/);
  });
});

describe("a derived image for a tenant's packages", () => {
  const base = `registry.digitalocean.com/acme/workshop@sha256:${HEX}`;

  it("is built from a Dockerfile that starts from the base's digest and installs the pinned packages once", () => {
    const dockerfile = derivedDockerfile(base, { conda: ["folium=0.19.4"], pip: ["ipytail==0.1.2", "Flask[async]==2.2.2"] });
    expect(dockerfile.split("\n")[1]).toBe(`FROM ${base}`);
    expect(dockerfile).toContain("RUN mamba install --yes 'folium=0.19.4' && \\");
    expect(dockerfile).toContain("RUN pip install --no-cache-dir 'Flask[async]==2.2.2' 'ipytail==0.1.2' && \\");
    expect(dockerfile).not.toMatch(/--upgrade/);
  });

  it("gets a tag that changes exactly with the base or the list, not with the list's order", () => {
    const tag = derivedTag(derivedDockerfile(base, { conda: [], pip: ["a==1", "b==2"] }));
    expect(derivedTag(derivedDockerfile(base, { conda: [], pip: ["b==2", "a==1"] }))).toBe(tag);
    expect(derivedTag(derivedDockerfile(base, { conda: [], pip: ["a==1", "b==3"] }))).not.toBe(tag);
    expect(derivedTag(derivedDockerfile(base.replace(/.$/, "0"), { conda: [], pip: ["a==1", "b==2"] }))).not.toBe(tag);
  });

  it("refuses unpinned specs and anything that could reach the shell", () => {
    expect(addedPackagesProblems({ conda: ["folium"], pip: ["pandas", "x==1; rm -rf /", "y==1'"] })).toEqual([
      'conda[0] "folium" must be a conda-forge package pinned to a version, such as folium=0.19.4',
      'pip[0] "pandas" must be a PyPI requirement pinned with ==, such as ipytail==0.1.2',
      'pip[1] "x==1; rm -rf /" must be a PyPI requirement pinned with ==, such as ipytail==0.1.2',
      'pip[2] "y==1\'" must be a PyPI requirement pinned with ==, such as ipytail==0.1.2',
    ]);
    expect(addedPackagesProblems({ conda: [], pip: [] })[0]).toMatch(/empty/);
    expect(() => derivedDockerfile(base, { conda: [], pip: ["requests>=2"] })).toThrow(/pinned with ==/);
  });
});

describe("home seed files from config", () => {
  const files = [
    { path: "Welcome.ipynb", content: "{}" },
    { path: "docs/storage guide.md", content: "# Storage\n" },
  ];

  it("become ConfigMap keys placed at their paths, mounted read-only where the hook looks first", () => {
    const { data, items } = homeSeedConfigMap(files);
    expect(items).toEqual([
      { key: "f0-Welcome.ipynb", path: "Welcome.ipynb" },
      { key: "f1-storage_guide.md", path: "docs/storage guide.md" },
    ]);
    expect(data).toEqual({ "f0-Welcome.ipynb": "{}", "f1-storage_guide.md": "# Storage\n" });
    const values = homeSeedValues("hubfleet-home-seed", files);
    expect(values.extraVolumeMounts).toEqual([{ name: "hubfleet-home-seed", mountPath: "/etc/hubfleet/home-seed", readOnly: true }]);
    expect(values.extraVolumes[0]).toMatchObject({ configMap: { name: "hubfleet-home-seed", items } });
  });

  it("are refused outside the home, twice, under ConfigMap names, or beyond a ConfigMap's size", () => {
    expect(homeSeedProblems(files)).toEqual([]);
    expect(homeSeedProblems([{ path: "/etc/passwd", content: "" }])[0]).toMatch(/relative path inside the home/);
    expect(homeSeedProblems([{ path: "a/../../b", content: "" }])[0]).toMatch(/relative path inside the home/);
    expect(homeSeedProblems([{ path: "..data/x", content: "" }])[0]).toMatch(/ConfigMap's own/);
    expect(homeSeedProblems([files[0]!, files[0]!])).toEqual(['"Welcome.ipynb" is given twice']);
    expect(homeSeedProblems([{ path: "big.csv", content: "x".repeat(1024 * 1024) }])[0]).toMatch(/ship large files in the image/);
  });
});

describe("a tenant's image choices", () => {
  const pipal = { conda: [], pip: ["ipytail==0.1.2", "requests==2.32.3"] };

  it("build each images/ folder once and each package list once, shared by the profiles that name them", () => {
    const plan = imageBuildPlan("pipalhub", [
      { build: "workshop" },
      { build: "workshop", packages: pipal },
      { build: "workshop", packages: { conda: [], pip: ["requests==2.32.3", "ipytail==0.1.2"] } },
      { build: "datascience" },
      { external: "quay.io/jupyter/scipy-notebook:2025-10-20" },
      { external: "quay.io/jupyter/scipy-notebook:2025-10-20", packages: { conda: ["folium=0.19.4"], pip: [] } },
      { build: "workshop", packages: { conda: [], pip: ["numpy==2.3.4"] } },
    ]);
    expect(plan.builds).toEqual(["datascience", "workshop"]);
    expect(plan.derived.map((d) => [d.imageName, d.base])).toEqual([
      ["workshop-pipalhub", "build:workshop"],
      ["scipy-notebook-pipalhub", "external:quay.io/jupyter/scipy-notebook:2025-10-20"],
      ["workshop-pipalhub-2", "build:workshop"],
    ]);
  });

  it("are equal whatever the order of their packages, and differ with the packages", () => {
    expect(choiceKey({ build: "workshop", packages: pipal })).toBe(
      choiceKey({ build: "workshop", packages: { conda: [], pip: [...pipal.pip].reverse() } }),
    );
    expect(choiceKey({ build: "workshop", packages: pipal })).not.toBe(choiceKey({ build: "workshop" }));
    expect(choiceKey({ build: "workshop", packages: { conda: [], pip: [] } })).toBe(choiceKey({ build: "workshop" }));
  });

  it("are refused with an unknown image, an unpinned external one, or unpinned packages", () => {
    expect(imageChoiceProblems({ build: "datascience", packages: pipal })).toEqual([]);
    expect(imageChoiceProblems({ build: "scipy" })[0]).toMatch(/not an image of images\//);
    expect(imageChoiceProblems({ external: "jupyter/scipy-notebook:latest" })[0]).toMatch(/latest/);
    expect(imageChoiceProblems({ build: "workshop", packages: { conda: [], pip: ["pandas"] } })[0]).toMatch(/^packages\.pip\[0\]/);
  });
});

describe.skipIf(!chartFilesPresent)("the hub values the images give, against the chart's schema", () => {
  it("accept a digest-pinned default image, digest-pinned profiles, a registry pull secret and the home seed mount", () => {
    const ref = `registry.digitalocean.com/pipal/workshop@sha256:${HEX}`;
    const seed = homeSeedValues("hubfleet-home-seed", [{ path: "Welcome.ipynb", content: "{}" }]);
    const values = {
      singleuser: {
        image: { ...chartImageValue(ref), pullSecrets: ["registry-pipal"] },
        profileList: [{ display_name: "Workshop", kubespawner_override: { image: ref } }],
        storage: { extraVolumes: seed.extraVolumes, extraVolumeMounts: seed.extraVolumeMounts },
      },
    };
    expect(chartSchemaErrors(values)).toEqual([]);
  });
});
