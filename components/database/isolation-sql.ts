/**
 * The SQL that isolates the tenant's database logins from each other, for every
 * database kind: one psql script, run as the server's admin, connected to the
 * server's maintenance database. It leaves each login an ordinary role (no
 * SUPERUSER, CREATEROLE or CREATEDB, a member of no role), the owner of its own
 * database and of that database's `public` schema, and the only role besides the
 * admin that may connect to it.
 *
 * Idempotent: every statement states an end state (ALTER ... OWNER, REVOKE), and
 * the conditional ones (create what is missing, revoke the memberships that exist)
 * read the catalogs first, so it runs on every start or `pulumi up`. It does not
 * rely on a major version's defaults: PostgreSQL 15 stopped giving PUBLIC CREATE
 * on `public`, but a server upgraded from 14 keeps the old grant, so the script
 * revokes it. It ends by checking its own result and fails (psql exits non-zero)
 * when any rule does not hold, so a server that silently ignored a REVOKE fails
 * the Job instead of passing it.
 */

/** One database and the login role that owns it. */
export interface IsolatedLogin {
  readonly database: string;
  readonly role: string;
}

export interface IsolationSqlInput {
  /** The logins, each owning its database; none may reach another's. */
  readonly logins: readonly IsolatedLogin[];
  /**
   * The admin is a real superuser (the in-cluster server), and may also clear
   * SUPERUSER, REPLICATION and BYPASSRLS, which only a superuser may change.
   * Otherwise (Cloud SQL, DigitalOcean, an external server) the admin has
   * CREATEROLE and CREATEDB, and first makes itself a member of each login to
   * hand it its database.
   */
  readonly adminIsSuperuser: boolean;
  /**
   * The script creates the roles and databases when missing and sets each role's
   * password from the psql variable `<role>_password` (in-cluster and external
   * servers). Unset: as adminIsSuperuser. Cloud SQL's and DigitalOcean's APIs make
   * their own.
   */
  readonly createLogins?: boolean;
  /** Databases where the admin enables PostGIS (the explore database, on request). */
  readonly postgisDatabases?: readonly string[];
}

/** Names the script uses unquoted in psql meta-commands: lowercase SQL identifiers only. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function isolationSqlProblems(input: IsolationSqlInput): string[] {
  const problems: string[] = [];
  const names = input.logins.flatMap((l) => [l.database, l.role]);
  for (const name of [...names, ...(input.postgisDatabases ?? [])]) {
    if (!PLAIN_IDENTIFIER.test(name)) problems.push(`${name} is not a lowercase SQL identifier`);
  }
  const roles = input.logins.map((l) => l.role);
  const databases = input.logins.map((l) => l.database);
  if (new Set(roles).size !== roles.length) problems.push("each login needs a role of its own");
  if (new Set(databases).size !== databases.length) problems.push("each login needs a database of its own");
  for (const database of input.postgisDatabases ?? []) {
    if (!databases.includes(database)) problems.push(`PostGIS database ${database} is not one of the logins' databases`);
  }
  return problems;
}

function ident(name: string): string {
  return `"${name}"`;
}

function literal(name: string): string {
  return `'${name}'`;
}

function roleList(logins: readonly IsolatedLogin[]): string {
  return logins.map((l) => literal(l.role)).join(", ");
}

/** Roles and databases created when they are missing; a non-superuser may make a database only for a role it is a member of. */
function createMissing(login: IsolatedLogin, adminIsSuperuser: boolean): string[] {
  return [
    `SELECT format('CREATE ROLE %I LOGIN', ${literal(login.role)}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(login.role)}) \\gexec`,
    `ALTER ROLE ${ident(login.role)} LOGIN PASSWORD :'${login.role}_password';`,
    ...(adminIsSuperuser ? [] : [`GRANT ${ident(login.role)} TO CURRENT_USER;`]),
    `SELECT format('CREATE DATABASE %I OWNER %I', ${literal(login.database)}, ${literal(login.role)}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${literal(login.database)}) \\gexec`,
  ];
}

function ordinaryRole(login: IsolatedLogin, adminIsSuperuser: boolean): string {
  const superuserOnly = adminIsSuperuser ? " NOSUPERUSER NOREPLICATION NOBYPASSRLS" : "";
  return `ALTER ROLE ${ident(login.role)} NOCREATEDB NOCREATEROLE${superuserOnly};`;
}

/**
 * Every membership the logins hold is revoked: cloudsqlsuperuser on Cloud SQL, any
 * admin role elsewhere, and each other. From PostgreSQL 16 a membership is revoked
 * by its grantor, so the statement names it there.
 */
function revokeMemberships(logins: readonly IsolatedLogin[]): string {
  return [
    "SELECT CASE WHEN current_setting('server_version_num')::int >= 160000",
    "         THEN format('REVOKE %I FROM %I GRANTED BY %I', g.rolname, m.rolname, gr.rolname)",
    "         ELSE format('REVOKE %I FROM %I', g.rolname, m.rolname) END",
    "  FROM pg_auth_members a",
    "  JOIN pg_roles g ON g.oid = a.roleid",
    "  JOIN pg_roles m ON m.oid = a.member",
    "  JOIN pg_roles gr ON gr.oid = a.grantor",
    ` WHERE m.rolname IN (${roleList(logins)}) \\gexec`,
  ].join("\n");
}

function ownDatabase(login: IsolatedLogin, logins: readonly IsolatedLogin[], adminIsSuperuser: boolean): string[] {
  const db = ident(login.database);
  const others = logins.filter((l) => l.role !== login.role);
  return [
    // A non-superuser admin may hand a database only to a role it is a member of.
    ...(adminIsSuperuser ? [] : [`GRANT ${ident(login.role)} TO CURRENT_USER;`]),
    `ALTER DATABASE ${db} OWNER TO ${ident(login.role)};`,
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`,
    ...others.map((other) => `REVOKE ALL ON DATABASE ${db} FROM ${ident(other.role)};`),
  ];
}

function ownPublicSchema(login: IsolatedLogin, logins: readonly IsolatedLogin[], postgis: boolean): string[] {
  const others = logins.filter((l) => l.role !== login.role);
  return [
    `\\connect ${login.database}`,
    `ALTER SCHEMA public OWNER TO ${ident(login.role)};`,
    // PostgreSQL 14 and older (and servers upgraded from them) let PUBLIC create here.
    "REVOKE ALL ON SCHEMA public FROM PUBLIC;",
    ...others.map((other) => `REVOKE ALL ON SCHEMA public FROM ${ident(other.role)};`),
    ...(postgis ? ["CREATE EXTENSION IF NOT EXISTS postgis;"] : []),
    schemaCheck(login, others),
  ];
}

/** Fails the run when, in the current database, `public` is not the login's alone. */
function schemaCheck(login: IsolatedLogin, others: readonly IsolatedLogin[]): string {
  const otherChecks = others
    .map(
      (o) =>
        `  IF has_schema_privilege(${literal(o.role)}, 'public', 'USAGE') THEN RAISE EXCEPTION 'hubfleet: ${o.role} may use schema public of ${login.database}'; END IF;`,
    )
    .join("\n");
  return [
    "DO $check$",
    "BEGIN",
    `  IF (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public') <> ${literal(login.role)} THEN`,
    `    RAISE EXCEPTION 'hubfleet: schema public of ${login.database} is not owned by ${login.role}';`,
    "  END IF;",
    "  IF EXISTS (SELECT FROM pg_namespace, aclexplode(nspacl) acl WHERE nspname = 'public' AND acl.grantee = 0) THEN",
    `    RAISE EXCEPTION 'hubfleet: PUBLIC keeps a privilege on schema public of ${login.database}';`,
    "  END IF;",
    ...(otherChecks ? [otherChecks] : []),
    "END",
    "$check$;",
  ].join("\n");
}

/** Fails the run when a role-level or database-level rule does not hold. */
function serverCheck(logins: readonly IsolatedLogin[]): string {
  const lines = logins.flatMap((login) => {
    const role = literal(login.role);
    const db = literal(login.database);
    const others = logins.filter((l) => l.role !== login.role);
    return [
      `  IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${role} AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)) THEN`,
      `    RAISE EXCEPTION 'hubfleet: ${login.role} is not an ordinary role';`,
      "  END IF;",
      `  IF EXISTS (SELECT FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member WHERE m.rolname = ${role}) THEN`,
      `    RAISE EXCEPTION 'hubfleet: ${login.role} is still a member of a role';`,
      "  END IF;",
      `  IF (SELECT datdba::regrole::text FROM pg_database WHERE datname = ${db}) IS DISTINCT FROM ${role} THEN`,
      `    RAISE EXCEPTION 'hubfleet: database ${login.database} is not owned by ${login.role}';`,
      "  END IF;",
      `  IF EXISTS (SELECT FROM pg_database, aclexplode(coalesce(datacl, acldefault('d', datdba))) acl WHERE datname = ${db} AND acl.grantee = 0) THEN`,
      `    RAISE EXCEPTION 'hubfleet: PUBLIC may still connect to ${login.database}';`,
      "  END IF;",
      ...others.flatMap((o) => [
        `  IF has_database_privilege(${literal(o.role)}, ${db}, 'CONNECT') THEN`,
        `    RAISE EXCEPTION 'hubfleet: ${o.role} may connect to ${login.database}';`,
        "  END IF;",
      ]),
    ];
  });
  return ["DO $check$", "BEGIN", ...lines, "END", "$check$;"].join("\n");
}

/** The psql script; run it with `psql --no-psqlrc --set ON_ERROR_STOP=1 --file`. */
export function isolationSql(input: IsolationSqlInput): string {
  const problems = isolationSqlProblems(input);
  if (problems.length > 0) throw new Error(`database isolation: ${problems.join("; ")}`);
  const { logins, adminIsSuperuser } = input;
  const postgis = new Set(input.postgisDatabases ?? []);
  const sections = [
    "-- hubfleet: each login owns its database and reaches no other. Idempotent; generated by components/database/isolation-sql.ts.",
    "\\set ON_ERROR_STOP on",
    "SET client_min_messages = warning;",
    ...((input.createLogins ?? adminIsSuperuser) ? logins.flatMap((l) => createMissing(l, adminIsSuperuser)) : []),
    ...logins.map((l) => ordinaryRole(l, adminIsSuperuser)),
    revokeMemberships(logins),
    ...logins.flatMap((l) => ownDatabase(l, logins, adminIsSuperuser)),
    serverCheck(logins),
    ...logins.flatMap((l) => ownPublicSchema(l, logins, postgis.has(l.database))),
  ];
  return `${sections.join("\n")}\n`;
}
