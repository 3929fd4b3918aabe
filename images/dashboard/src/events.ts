/**
 * The events API's data: what a participant's server reports on a save, checked
 * and normalised, and the instructors' filter on any field.
 */

/** The fields every stored event has; any of them can filter a listing. */
export const EVENT_FIELDS = ["id", "type", "user", "filename", "path", "timestamp"] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

export interface DashboardEvent {
  readonly id: number;
  readonly type: string;
  readonly user: string;
  readonly filename: string;
  readonly path: string;
  /** ISO 8601, UTC. */
  readonly timestamp: string;
}

export type NewEvent = Omit<DashboardEvent, "id">;

/** A notebook in nbformat 4's JSON shape (only what the dashboard reads is typed). */
export interface Notebook {
  readonly cells: readonly NotebookCell[];
  readonly metadata?: Record<string, unknown>;
  readonly nbformat?: number;
}

export interface NotebookCell {
  readonly cell_type: string;
  readonly source: string | readonly string[];
  readonly execution_count?: number | null;
  readonly outputs?: readonly Record<string, unknown>[];
}

export interface SaveReport {
  readonly event: NewEvent;
  /** The saved notebook, when the server sent it. */
  readonly notebook?: Notebook;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const MAX_TEXT = 1024;

function text(body: Record<string, unknown>, key: string, required: boolean): string | undefined | Error {
  const value = body[key];
  if (value === undefined || value === null || value === "") return required ? new Error(`${key} is required`) : undefined;
  if (typeof value !== "string") return new Error(`${key} must be a string`);
  if (value.length > MAX_TEXT) return new Error(`${key} is longer than ${MAX_TEXT} characters`);
  return value;
}

export function isNotebook(value: unknown): value is Notebook {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const cells = (value as { cells?: unknown }).cells;
  return (
    Array.isArray(cells) &&
    cells.every(
      (cell) =>
        typeof cell === "object" &&
        cell !== null &&
        typeof (cell as { cell_type?: unknown }).cell_type === "string" &&
        (typeof (cell as { source?: unknown }).source === "string" || Array.isArray((cell as { source?: unknown }).source)),
    )
  );
}

/**
 * A report posted by a server, for the user its token belongs to. The user is
 * the token's, never the body's: a body naming someone else is refused.
 */
export function parseReport(body: unknown, tokenUser: string, now: Date): Parsed<SaveReport> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, error: "the body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const type = text(fields, "type", true);
  const path = text(fields, "path", true);
  const filename = text(fields, "filename", false);
  const user = text(fields, "user", false);
  const timestamp = text(fields, "timestamp", false);
  for (const value of [type, path, filename, user, timestamp]) if (value instanceof Error) return { ok: false, error: value.message };
  if (user !== undefined && user !== tokenUser) return { ok: false, error: `the token belongs to ${tokenUser}, not ${String(user)}` };
  let when = now;
  if (typeof timestamp === "string") {
    const parsed = new Date(timestamp);
    if (Number.isNaN(parsed.getTime())) return { ok: false, error: "timestamp must be an ISO 8601 date" };
    when = parsed;
  }
  const content = fields.content;
  if (content !== undefined && !isNotebook(content)) return { ok: false, error: "content must be a notebook (nbformat 4 JSON with cells)" };
  const eventPath = path as string;
  const event: NewEvent = {
    type: type as string,
    user: tokenUser,
    filename: typeof filename === "string" ? filename : (eventPath.split("/").pop() ?? eventPath),
    path: eventPath,
    timestamp: when.toISOString(),
  };
  return { ok: true, value: { event, ...(content !== undefined ? { notebook: content } : {}) } };
}

/** A filter from query parameters: every parameter must name an event field. */
export function parseFilter(query: URLSearchParams): Parsed<Partial<Record<EventField, string>>> {
  const filter: Partial<Record<EventField, string>> = {};
  for (const [key, value] of query) {
    if (!(EVENT_FIELDS as readonly string[]).includes(key)) {
      return { ok: false, error: `cannot filter on ${key}; the fields are ${EVENT_FIELDS.join(", ")}` };
    }
    filter[key as EventField] = value;
  }
  return { ok: true, value: filter };
}

/** The events whose fields equal every value of the filter, compared as text. */
export function filterEvents(events: readonly DashboardEvent[], filter: Partial<Record<EventField, string>>): DashboardEvent[] {
  const entries = Object.entries(filter) as [EventField, string][];
  return events.filter((event) => entries.every(([key, value]) => String(event[key]) === value));
}
