/**
 * The password check the hub runs (components/hub/workshop_authenticator.py),
 * run by python3 against hashes from the TypeScript that writes them.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hashParticipants } from "../components/hub/workshop";

const AUTHENTICATOR = path.resolve(__dirname, "..", "components", "hub", "workshop_authenticator.py");

/** Loads the authenticator as a module (no JupyterHub needed) and answers each case with check_password. */
const DRIVER = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("workshop_authenticator", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
request = json.load(sys.stdin)
print(json.dumps([module.check_password(request["users"], c["username"], c["password"]) for c in request["cases"]]))
`;

interface Case {
  username: string;
  password: string;
}

function pythonCheck(users: Record<string, string>, cases: Case[]): boolean[] {
  const result = spawnSync("python3", ["-c", DRIVER, AUTHENTICATOR], { input: JSON.stringify({ users, cases }), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as boolean[];
}

describe("the workshop authenticator's password check", () => {
  const users = hashParticipants({ alice: "correct horse battery staple", bala: "ಪಾಸ್‌ವರ್ಡ್-2025" }, "salt-secret-from-random-password");

  it("accepts the right password, refuses a wrong one, an unknown user and an empty password", () => {
    expect(
      pythonCheck(users, [
        { username: "alice", password: "correct horse battery staple" },
        { username: "alice", password: "correct horse battery stapler" },
        { username: "mallory", password: "correct horse battery staple" },
        { username: "alice", password: "" },
      ]),
    ).toEqual([true, false, false, false]);
  });

  it("reads non-ASCII passwords as TypeScript wrote them (UTF-8)", () => {
    expect(pythonCheck(users, [{ username: "bala", password: "ಪಾಸ್‌ವರ್ಡ್-2025" }])).toEqual([true]);
  });

  it("does not let one participant's password open another's account", () => {
    expect(pythonCheck(users, [{ username: "bala", password: "correct horse battery staple" }])).toEqual([false]);
  });

  it("refuses a malformed record instead of failing", () => {
    expect(pythonCheck({ alice: "plain-text-password" }, [{ username: "alice", password: "plain-text-password" }])).toEqual([false]);
  });
});
