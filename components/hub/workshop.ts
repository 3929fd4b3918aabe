/**
 * The workshop login (PipalHub's participants file, made safe): participants are
 * username → password, each a secure config value. Only scrypt hashes reach the
 * cluster, in a Kubernetes Secret that the hub mounts read-only; a few lines of hub
 * config (workshop_authenticator.py) check a login against it. No password or hash
 * is ever in the chart values, a stack output or the render.
 *
 * The hashes are deterministic: each participant's salt is an HMAC of their name
 * under a secret kept in a `random.RandomPassword`, so `pulumi up` changes the
 * Secret only when a participant or a password changes. Adding a participant is
 * `pulumi config set --secret --path 'hubfleet:hub.auth.participants.<name>' <password>`
 * and `pulumi up`; the hub reads the refreshed file at the next login.
 */
import { createHmac, scryptSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SecretInput } from "../secret";

/** scrypt's cost: 32 MiB and some 50–100 ms per check; N, r and p travel in each record. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
const SCRYPT_MAXMEM = 64 * 1024 * 1024;

/** The Secret's name and key, and where the hub mounts it (workshop_authenticator.py reads the same path). */
export const WORKSHOP_SECRET_NAME = "hubfleet-workshop-users";
export const WORKSHOP_USERS_KEY = "users.json";
export const WORKSHOP_MOUNT_DIR = "/etc/hubfleet/workshop";
const WORKSHOP_VOLUME = "hubfleet-workshop-users";

/** The extraConfig key; z2jh runs extraConfig in key order, after hub.config. */
export const WORKSHOP_EXTRA_CONFIG_KEY = "hubfleet-20-workshop-auth";

/** The authenticator the hub runs, read once from the file beside this one. */
export const WORKSHOP_AUTHENTICATOR_PY = fs.readFileSync(path.join(__dirname, "workshop_authenticator.py"), "utf8");

/** A participant's salt: stable for a name and secret, different for every name. */
export function participantSalt(saltSecret: string, username: string): Buffer {
  return createHmac("sha256", saltSecret).update(username, "utf8").digest().subarray(0, SCRYPT_PARAMS.saltLength);
}

/** One record as workshop_authenticator.py reads it: `scrypt$N$r$p$salt$hash`, base64. */
export function hashPassword(password: string, salt: Buffer): string {
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  const hash = scryptSync(password, salt, keyLength, { N, r, p, maxmem: SCRYPT_MAXMEM });
  return ["scrypt", N, r, p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** username → hash record, in name order; the passwords themselves go nowhere. */
export function hashParticipants(participants: Readonly<Record<string, string>>, saltSecret: string): Record<string, string> {
  if (saltSecret === "") throw new Error("the salt secret is empty");
  return Object.fromEntries(
    Object.keys(participants)
      .sort()
      .map((username) => [username, hashPassword(participants[username]!, participantSalt(saltSecret, username))]),
  );
}

export interface WorkshopUsersArgs {
  /** The tenant namespace, where the hub runs (the Kubernetes provider is inherited). */
  readonly namespace: pulumi.Input<string>;
  /** username → password, each a secure config value. */
  readonly participants: Readonly<Record<string, SecretInput>>;
}

/** The salt secret and the Secret of hashes the hub mounts. */
export class WorkshopUsers extends pulumi.ComponentResource {
  readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: WorkshopUsersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:hub:WorkshopUsers", name, {}, opts);

    const salt = new random.RandomPassword(`${name}-salt`, { length: 32, special: false }, { parent: this });
    const usernames = Object.keys(args.participants).sort();
    const passwords = pulumi.all(usernames.map((username) => args.participants[username]!.value));
    const usersJson = pulumi
      .all([passwords, salt.result])
      .apply(([values, saltSecret]) =>
        JSON.stringify(hashParticipants(Object.fromEntries(usernames.map((username, index) => [username, values[index]!])), saltSecret)),
      );

    const secret = new k8s.core.v1.Secret(
      `${name}-hashes`,
      {
        metadata: {
          name: WORKSHOP_SECRET_NAME,
          namespace: args.namespace,
          labels: { "app.kubernetes.io/managed-by": "hubfleet", "app.kubernetes.io/component": "workshop-users" },
        },
        type: "Opaque",
        // Hashes, not passwords, yet still secret: they would allow offline guessing.
        stringData: { [WORKSHOP_USERS_KEY]: pulumi.secret(usersJson) },
      },
      { parent: this },
    );

    this.secretName = secret.metadata.name;
    this.registerOutputs({ secretName: this.secretName });
  }
}

/**
 * The chart values of the workshop login: the Secret of hashes mounted read-only
 * into the hub, the authenticator as extraConfig (it selects itself as the hub's
 * authenticator_class), instructors as admins. The mounted file is the allow list:
 * only its users can log in, so the hub needs no second list.
 */
export function workshopHubValues(args: { secretName: string; admins: readonly string[] }): Record<string, unknown> {
  return {
    hub: {
      extraVolumes: [
        {
          name: WORKSHOP_VOLUME,
          secret: { secretName: args.secretName, items: [{ key: WORKSHOP_USERS_KEY, path: WORKSHOP_USERS_KEY }], defaultMode: 0o440 },
        },
      ],
      // A directory mount (not subPath), so that an updated Secret reaches the running hub.
      extraVolumeMounts: [{ name: WORKSHOP_VOLUME, mountPath: WORKSHOP_MOUNT_DIR, readOnly: true }],
      extraConfig: { [WORKSHOP_EXTRA_CONFIG_KEY]: WORKSHOP_AUTHENTICATOR_PY },
      config: {
        Authenticator: {
          admin_users: [...args.admins].sort(),
          allow_all: true,
        },
      },
    },
  };
}
