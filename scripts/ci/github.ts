/**
 * The few GitHub REST calls the workflows make (a PR comment, drift issues), over
 * fetch with the job's GITHUB_TOKEN. The fetch function is a parameter so tests can
 * answer for GitHub.
 */

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;

export interface GitHub {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Every page of a list endpoint. */
  list<T>(path: string): Promise<T[]>;
}

export function gitHub(token: string, fetchFn: Fetch = fetch, apiUrl = "https://api.github.com"): GitHub {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetchFn(`${apiUrl}${path}`, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "x-github-api-version": "2022-11-28",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`GitHub ${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const list = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    for (let page = 1; page <= 50; page++) {
      const batch = await request<T[]>("GET", `${path}${path.includes("?") ? "&" : "?"}per_page=100&page=${page}`);
      items.push(...batch);
      if (batch.length < 100) break;
    }
    return items;
  };
  return { request, list };
}

/** GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL from a workflow step's environment. */
export function fromEnvironment(env: NodeJS.ProcessEnv = process.env): { github: GitHub; repository: string } {
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (!token || !repository) throw new Error("GITHUB_TOKEN and GITHUB_REPOSITORY must be set (the step's env)");
  return { github: gitHub(token, undefined, env.GITHUB_API_URL ?? "https://api.github.com"), repository };
}
