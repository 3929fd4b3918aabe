/** Cloud SQL instances: the CIS Google Cloud Foundations (1.2.0, section 6) rules hubfleet keeps. */
import { asArray, at, resourceRule, type HubfleetPolicy } from "../rule";

export const CLOUDSQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";

const TLS_ONLY_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

function tlsOnly(props: Record<string, unknown>): boolean {
  const ip = at(props, "settings", "ipConfiguration");
  return TLS_ONLY_MODES.includes(String(at(ip, "sslMode"))) || at(ip, "requireSsl") === true;
}

/** The PostgreSQL flags hubfleet sets, and the value each must have. */
export const POSTGRES_LOG_FLAGS: Readonly<Record<string, string>> = {
  log_connections: "on",
  log_disconnections: "on",
  log_lock_waits: "on",
  log_temp_files: "0",
};

export const cloudSqlPolicies: HubfleetPolicy[] = [
  resourceRule({
    name: "cloudsql-no-public-ip",
    description: "Cloud SQL has no public IP, unless authorised networks (never 0.0.0.0/0) are set and TLS is required",
    benchmarks: ["CIS GCP 1.2.0 6.5", "CIS GCP 1.2.0 6.6", "checkov CKV_GCP_11", "checkov CKV_GCP_60"],
    types: [CLOUDSQL_INSTANCE],
    check: (r) => {
      const ip = at(r.props, "settings", "ipConfiguration");
      // The provider's default is a public IPv4 address: only an explicit false turns it off.
      if (at(ip, "ipv4Enabled") === false) return [];
      const networks = asArray(at(ip, "authorizedNetworks")).map((n) => String(at(n, "value")));
      if (networks.length === 0) return ["settings.ipConfiguration.ipv4Enabled is not false and no authorised networks are set"];
      const problems = networks.filter((cidr) => cidr.endsWith("/0")).map((cidr) => `authorised network ${cidr} is the whole internet`);
      if (!tlsOnly(r.props)) problems.push("a public IP without TLS-only connections");
      return problems;
    },
  }),
  resourceRule({
    name: "cloudsql-tls-only",
    description: "Cloud SQL accepts only encrypted connections",
    benchmarks: ["CIS GCP 1.2.0 6.4", "checkov CKV_GCP_6"],
    types: [CLOUDSQL_INSTANCE],
    check: (r) =>
      tlsOnly(r.props) ? [] : ["settings.ipConfiguration.sslMode is not ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED"],
  }),
  resourceRule({
    name: "cloudsql-backups-pitr",
    description: "Cloud SQL takes automated backups with point-in-time recovery",
    benchmarks: ["CIS GCP 1.2.0 6.7", "checkov CKV_GCP_14"],
    types: [CLOUDSQL_INSTANCE],
    check: (r) => {
      const backup = at(r.props, "settings", "backupConfiguration");
      return [
        at(backup, "enabled") === true ? undefined : "settings.backupConfiguration.enabled is not true",
        at(backup, "pointInTimeRecoveryEnabled") === true
          ? undefined
          : "settings.backupConfiguration.pointInTimeRecoveryEnabled is not true",
      ].filter((m): m is string => m !== undefined);
    },
  }),
  resourceRule({
    name: "cloudsql-deletion-protection",
    description: "A production Cloud SQL instance (protected in Pulumi) also has Terraform's and Google's deletion protection",
    benchmarks: ["no CIS or checkov ID: hubfleet's protection levels (DESIGN.md, stateful resources)"],
    types: [CLOUDSQL_INSTANCE],
    check: (r) => {
      if (!r.protect) return [];
      return [
        at(r.props, "deletionProtection") === false ? "deletionProtection is false" : undefined,
        at(r.props, "settings", "deletionProtectionEnabled") === true ? undefined : "settings.deletionProtectionEnabled is not true",
      ].filter((m): m is string => m !== undefined);
    },
  }),
  resourceRule({
    name: "cloudsql-postgres-log-flags",
    description: "Cloud SQL for PostgreSQL logs connections, disconnections, lock waits and temporary files",
    benchmarks: ["CIS GCP 1.2.0 6.2.3 (log_connections)", "6.2.4 (log_disconnections)", "6.2.6 (log_lock_waits)", "6.2 log_temp_files = 0"],
    types: [CLOUDSQL_INSTANCE],
    check: (r) => {
      if (!String(at(r.props, "databaseVersion")).startsWith("POSTGRES")) return [];
      const flags = new Map(asArray(at(r.props, "settings", "databaseFlags")).map((f) => [String(at(f, "name")), String(at(f, "value"))]));
      return Object.entries(POSTGRES_LOG_FLAGS)
        .filter(([name, value]) => flags.get(name) !== value)
        .map(([name, value]) => `database flag ${name} is ${flags.has(name) ? flags.get(name) : "unset"}, not ${value}`);
    },
  }),
];
