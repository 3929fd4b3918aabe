/**
 * The post-save hook the participants' servers run
 * (components/services/dashboard_post_save_hook.py), run by python3 against a
 * real HTTP listener: what it sends, and that a slow or absent dashboard never
 * holds up or fails a save.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const HOOK = path.resolve(__dirname, "..", "components", "services", "dashboard_post_save_hook.py");
const run = promisify(execFile);

/** Loads the hook as a module (no Jupyter needed) and runs `script` with it as `hook`; prints what the script prints. */
async function python(script: string, env: Record<string, string> = {}): Promise<string> {
  const prelude = [
    "import importlib.util, json, sys, time",
    "spec = importlib.util.spec_from_file_location('hook', sys.argv[1])",
    "hook = importlib.util.module_from_spec(spec)",
    "spec.loader.exec_module(hook)",
  ].join("\n");
  const { stdout } = await run("python3", ["-c", `${prelude}\n${script}`, HOOK], { env: { ...process.env, ...env }, timeout: 20_000 });
  return stdout.trim();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubfleet-hook-"));
const notebookFile = path.join(dir, "day1.ipynb");
fs.writeFileSync(
  notebookFile,
  JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: "1+1", outputs: [] }] }),
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the dashboard's post-save hook", () => {
  it("reports a saved notebook with its content, and nothing for other files", async () => {
    const out = await python(
      [
        `print(json.dumps(hook.build_report({"type": "notebook", "path": "week1/day1.ipynb"}, ${JSON.stringify(notebookFile)}, "bala")))`,
        `print(json.dumps(hook.build_report({"type": "file", "path": "notes.txt"}, ${JSON.stringify(notebookFile)}, "bala")))`,
        "hook.MAX_CONTENT_BYTES = 10",
        `print("content" in hook.build_report({"type": "notebook", "path": "day1.ipynb"}, ${JSON.stringify(notebookFile)}, "bala"))`,
      ].join("\n"),
    );
    const [report, other, withContent] = out.split("\n");
    expect(JSON.parse(report!)).toMatchObject({
      type: "save-notebook",
      user: "bala",
      filename: "day1.ipynb",
      path: "week1/day1.ipynb",
      content: { cells: [{ source: "1+1" }] },
    });
    expect(Date.parse((JSON.parse(report!) as { timestamp: string }).timestamp)).not.toBeNaN();
    expect(other).toBe("null");
    expect(withContent).toBe("False");
  });

  it("posts the report with the user's own token", async () => {
    const received: { authorization?: string; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push({ authorization: req.headers.authorization, body });
        res.writeHead(201).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const out = await python(
        [
          `hook.post_save(model={"type": "notebook", "path": "day1.ipynb"}, os_path=${JSON.stringify(notebookFile)}, contents_manager=None)`,
          "hook._outbox.join()",
          "print('sent')",
        ].join("\n"),
        {
          HUBFLEET_DASHBOARD_URL: `http://127.0.0.1:${port}/services/dashboard/api/events`,
          JUPYTERHUB_API_TOKEN: "bala-token",
          JUPYTERHUB_USER: "bala",
        },
      );
      expect(out).toBe("sent");
      expect(received).toHaveLength(1);
      expect(received[0]!.authorization).toBe("token bala-token");
      expect(JSON.parse(received[0]!.body)).toMatchObject({ user: "bala", path: "day1.ipynb" });
    } finally {
      server.close();
    }
  });

  it("returns at once and never raises when the dashboard hangs or is gone", async () => {
    // A listener that accepts and never answers: the worst kind of down.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const out = await python(
        [
          "started = time.monotonic()",
          `hook.post_save(model={"type": "notebook", "path": "day1.ipynb"}, os_path=${JSON.stringify(notebookFile)}, contents_manager=None)`,
          "returned = time.monotonic() - started",
          // The send itself gives up after the timeout and reports failure instead of raising.
          `delivered = hook.send_report({"path": "x"}, "http://127.0.0.1:${port}/", "t", 0.3)`,
          `refused = hook.send_report({"path": "x"}, "http://127.0.0.1:1/", "t", 0.3)`,
          "hook.post_save(model=None, os_path=None, contents_manager=None)",
          // The hook's own timeout is 5 s: returning within 1 s shows it did not wait for the send.
          "print(json.dumps([returned < 1, delivered, refused]))",
        ].join("\n"),
        { HUBFLEET_DASHBOARD_URL: `http://127.0.0.1:${port}/`, JUPYTERHUB_API_TOKEN: "t", HUBFLEET_DASHBOARD_TIMEOUT: "5" },
      );
      expect(JSON.parse(out)).toEqual([true, false, false]);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("keeps only the newest reports when the dashboard falls behind", async () => {
    const out = await python(["for n in range(20):", "    hook.enqueue(n)", "print(json.dumps(list(hook._outbox.queue)))"].join("\n"));
    expect(JSON.parse(out)).toEqual(Array.from({ length: 16 }, (_, index) => index + 4));
  });
});
