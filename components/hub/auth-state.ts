/**
 * Encrypted auth state: what a login keeps about a user between requests (the
 * OpenHexa App's per-user environment, a GitLab access token). JupyterHub encrypts
 * it in its database with JUPYTERHUB_CRYPT_KEY and refuses to enable auth state
 * without one.
 *
 * The key is 32 random bytes made by Pulumi (random.RandomBytes, kept as a secret in
 * the state), written to a Kubernetes Secret and read by the hub from its
 * environment. It never appears in the chart values. It is made once and kept:
 * replacing it would make every stored auth state unreadable (users log in again).
 * The chart also generates a key of its own (kept through `helm lookup`); the estate's
 * goes first, so that a reinstalled release still reads what the hub stored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** Where a secret value lives: a Kubernetes Secret's name and key. */
export interface SecretKeyRef {
  readonly secretName: string;
  readonly key: string;
}

/** The Secret's fixed name and key, so that the values stay readable. */
export const AUTH_STATE_KEY_REF: SecretKeyRef = { secretName: "hubfleet-auth-state-key", key: "crypt-key" };

/** JupyterHub's CryptKeeper reads its keys from this variable. */
export const CRYPT_KEY_ENV = "JUPYTERHUB_CRYPT_KEY";

/**
 * The chart configures CryptKeeper.keys from a key it generates itself, and configured keys win
 * over the variable: this extraConfig entry puts the estate's key first (auth_state_key.py).
 */
export const AUTH_STATE_KEY_PY = fs.readFileSync(path.join(__dirname, "auth_state_key.py"), "utf8");
export const AUTH_STATE_EXTRA_CONFIG_KEY = "hubfleet-05-auth-state-key";

/** 32 bytes: JupyterHub accepts them hex-encoded (64 characters). */
export const CRYPT_KEY_BYTES = 32;

export interface AuthStateKeyArgs {
  /** The tenant namespace, where the hub runs (the Kubernetes provider is inherited). */
  readonly namespace: pulumi.Input<string>;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The random key and the Secret the hub reads it from. */
export class AuthStateKey extends pulumi.ComponentResource {
  readonly secretRef: SecretKeyRef = AUTH_STATE_KEY_REF;
  readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: AuthStateKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:hub:AuthStateKey", name, {}, opts);
    const key = new random.RandomBytes(`${name}-bytes`, { length: CRYPT_KEY_BYTES }, { parent: this });
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: {
          name: AUTH_STATE_KEY_REF.secretName,
          namespace: args.namespace,
          labels: { ...(args.labels ?? {}), "app.kubernetes.io/managed-by": "hubfleet", "app.kubernetes.io/component": "auth-state-key" },
        },
        type: "Opaque",
        stringData: { [AUTH_STATE_KEY_REF.key]: pulumi.secret(key.hex) },
      },
      { parent: this },
    );
    this.secretName = secret.metadata.name;
    this.registerOutputs({ secretName: this.secretName });
  }
}

/** Hub values: auth state on, its key from the Secret (by reference), ahead of the chart's own key. */
export function authStateValues(ref: SecretKeyRef = AUTH_STATE_KEY_REF): Record<string, unknown> {
  return {
    hub: {
      extraEnv: { [CRYPT_KEY_ENV]: { valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } } },
      extraConfig: { [AUTH_STATE_EXTRA_CONFIG_KEY]: AUTH_STATE_KEY_PY },
      config: { Authenticator: { enable_auth_state: true } },
    },
  };
}
