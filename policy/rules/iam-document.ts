/** IAM policy documents as policies see them: a JSON string, or an object. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** The document, or undefined when it is not (yet) readable JSON. */
export function parseDocument(document: unknown): unknown {
  if (typeof document !== "string") return document;
  try {
    return JSON.parse(document) as unknown;
  } catch {
    return undefined;
  }
}

export function statements(document: unknown): Statement[] {
  if (document === null || typeof document !== "object") return [];
  const list = (document as { Statement?: unknown }).Statement;
  return (Array.isArray(list) ? list : list === undefined ? [] : [list]) as Statement[];
}

export function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
}
