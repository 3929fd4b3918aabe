/**
 * The environment every notebook server gets, whatever the database and storage
 * kinds: the same names (Habari's), all held in one Kubernetes Secret and
 * referenced from the chart values by name, never by value.
 */
import { postgresUrl, type PostgresConnection } from "../database/url";

export interface NotebookStorageEnv {
  readonly region: string;
  readonly endpoint?: string;
  readonly buckets: { readonly public: string; readonly lake: string; readonly notebooks: string };
  readonly accessKey?: { readonly id: string; readonly secret: string };
  readonly roleArn?: string;
}

export interface NotebookEnvInput {
  readonly storage?: NotebookStorageEnv;
  readonly explore?: PostgresConnection;
}

/** The Secret's data: variable name → value. */
export function notebookEnvData(input: NotebookEnvInput): Record<string, string> {
  const data: Record<string, string> = {};
  const { storage, explore } = input;
  if (storage) {
    data.AWS_DEFAULT_REGION = storage.region;
    if (storage.endpoint) data.AWS_ENDPOINT_URL = storage.endpoint;
    if (storage.accessKey) {
      data.AWS_ACCESS_KEY_ID = storage.accessKey.id;
      data.AWS_SECRET_ACCESS_KEY = storage.accessKey.secret;
    }
    if (storage.roleArn) data.AWS_ROLE_ARN = storage.roleArn;
    data.S3_BUCKET_NAME_PUBLIC = storage.buckets.public;
    data.S3_BUCKET_NAME_LAKE = storage.buckets.lake;
    data.S3_BUCKET_NAME_NOTEBOOKS = storage.buckets.notebooks;
  }
  if (explore) {
    data.EXPLORE_DB_URL = postgresUrl(explore);
    data.EXPLORE_DB_USER = explore.user;
    data.EXPLORE_DB_PASSWORD = explore.password;
    data.EXPLORE_DB_HOST = explore.host;
    data.EXPLORE_DB_PORT = String(explore.port);
    data.EXPLORE_DB_NAME = explore.database;
  }
  return data;
}

/** `singleuser.extraEnv` entries reading each variable from the Secret. */
export function notebookEnvReferences(secretName: string, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries([...names].sort().map((name) => [name, { valueFrom: { secretKeyRef: { name: secretName, key: name } } }]));
}
