/**
 * S3 bucket names as pure functions of the config, and S3's naming rules for
 * general purpose buckets. Kept free of any SDK so that the config schema can
 * check the names before a single resource is registered.
 */

export const BUCKET_ROLES = ["public", "lake", "notebooks"] as const;
export type BucketRole = (typeof BUCKET_ROLES)[number];

/** `<prefix>-<tenant>-<role>`: the prefix (an organization's) keeps the global name unique. */
export function s3BucketName(prefix: string, tenant: string, role: BucketRole): string {
  return `${prefix}-${tenant}-${role}`;
}

export function s3BucketNames(prefix: string, tenant: string): Record<BucketRole, string> {
  return {
    public: s3BucketName(prefix, tenant, "public"),
    lake: s3BucketName(prefix, tenant, "lake"),
    notebooks: s3BucketName(prefix, tenant, "notebooks"),
  };
}

/** Prefixes and suffixes S3 reserves for its own features (access point aliases, Object Lambda, directory and table buckets). */
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Every S3 naming rule a name breaks; empty when it is a valid general purpose bucket name. */
export function s3BucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`${name} has ${name.length} characters; a bucket name has 3 to 63`);
  if (!/^[a-z0-9.-]*$/.test(name)) problems.push(`${name} may hold only lowercase letters, digits, '.' and '-'`);
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) problems.push(`${name} must begin and end with a letter or digit`);
  if (name.includes("..")) problems.push(`${name} must not hold two adjacent periods`);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push(`${name} must not be formatted as an IP address`);
  for (const prefix of RESERVED_PREFIXES) {
    if (name.startsWith(prefix)) problems.push(`${name} must not begin with ${prefix}, which S3 reserves`);
  }
  for (const suffix of RESERVED_SUFFIXES) {
    if (name.endsWith(suffix)) problems.push(`${name} must not end with ${suffix}, which S3 reserves`);
  }
  return problems;
}

/** The problems of the tenant's bucket names, for the config's `storage.s3.bucketPrefix` key. */
export function tenantBucketNameProblems(prefix: string, tenant: string): string[] {
  return [...new Set(Object.values(s3BucketNames(prefix, tenant)).flatMap(s3BucketNameProblems))];
}
