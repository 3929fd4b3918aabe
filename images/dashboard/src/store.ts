/**
 * Where the dashboard keeps events and each participant's latest notebook per
 * file: PostgreSQL when DATABASE_URL is set (store-postgres.ts), otherwise files
 * on the pod's volume. Both survive a restart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DashboardEvent, EventField, NewEvent, Notebook } from "./events";
import { filterEvents } from "./events";

export interface StoredNotebook {
  readonly user: string;
  readonly path: string;
  readonly savedAt: string;
}

export interface DashboardStore {
  /** Stores an event, and the notebook as the user's latest copy of that path. */
  record(event: NewEvent, notebook?: Notebook): Promise<DashboardEvent>;
  listEvents(filter: Partial<Record<EventField, string>>): Promise<DashboardEvent[]>;
  /** The latest copies, newest first. */
  listNotebooks(): Promise<StoredNotebook[]>;
  getNotebook(user: string, notebookPath: string): Promise<(StoredNotebook & { notebook: Notebook }) | undefined>;
  close(): Promise<void>;
}

const EVENTS_FILE = "events.jsonl";
const NOTEBOOKS_DIR = "notebooks";

/**
 * Events appended to a JSON-lines file, read back at start; each latest notebook a
 * file per user and path, replaced atomically (write, then rename). One process
 * owns the directory (the Deployment has one replica and a ReadWriteOnce volume).
 */
export class FileStore implements DashboardStore {
  private readonly events: DashboardEvent[] = [];
  private readonly notebooks = new Map<string, StoredNotebook>();

  constructor(private readonly dir: string) {
    fs.mkdirSync(path.join(dir, NOTEBOOKS_DIR), { recursive: true });
    const eventsFile = path.join(dir, EVENTS_FILE);
    if (fs.existsSync(eventsFile)) {
      for (const line of fs.readFileSync(eventsFile, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        try {
          this.events.push(JSON.parse(line) as DashboardEvent);
        } catch {
          // A line cut short by a crash mid-write: the events before it stand.
        }
      }
    }
    for (const entry of fs.readdirSync(path.join(dir, NOTEBOOKS_DIR))) {
      if (!entry.endsWith(".json")) continue;
      try {
        const stored = JSON.parse(fs.readFileSync(path.join(dir, NOTEBOOKS_DIR, entry), "utf8")) as StoredNotebook;
        this.notebooks.set(notebookKey(stored.user, stored.path), { user: stored.user, path: stored.path, savedAt: stored.savedAt });
      } catch {
        // Unreadable copies are skipped; the next save replaces them.
      }
    }
  }

  async record(event: NewEvent, notebook?: Notebook): Promise<DashboardEvent> {
    const stored: DashboardEvent = { id: (this.events.at(-1)?.id ?? 0) + 1, ...event };
    await fs.promises.appendFile(path.join(this.dir, EVENTS_FILE), `${JSON.stringify(stored)}\n`);
    this.events.push(stored);
    if (notebook) {
      const meta: StoredNotebook = { user: event.user, path: event.path, savedAt: event.timestamp };
      const file = this.notebookFile(event.user, event.path);
      await fs.promises.writeFile(`${file}.tmp`, JSON.stringify({ ...meta, notebook }));
      await fs.promises.rename(`${file}.tmp`, file);
      this.notebooks.set(notebookKey(event.user, event.path), meta);
    }
    return stored;
  }

  async listEvents(filter: Partial<Record<EventField, string>>): Promise<DashboardEvent[]> {
    return filterEvents(this.events, filter);
  }

  async listNotebooks(): Promise<StoredNotebook[]> {
    return [...this.notebooks.values()].sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async getNotebook(user: string, notebookPath: string) {
    if (!this.notebooks.has(notebookKey(user, notebookPath))) return undefined;
    const stored = JSON.parse(await fs.promises.readFile(this.notebookFile(user, notebookPath), "utf8")) as StoredNotebook & {
      notebook: Notebook;
    };
    return stored;
  }

  async close(): Promise<void> {}

  private notebookFile(user: string, notebookPath: string): string {
    // Names and paths are the users' own: encoded, they cannot leave the directory.
    return path.join(this.dir, NOTEBOOKS_DIR, `${encodeURIComponent(user)}--${encodeURIComponent(notebookPath)}.json`);
  }
}

function notebookKey(user: string, notebookPath: string): string {
  return `${user}\u0000${notebookPath}`;
}
