import type * as pulumi from "@pulumi/pulumi";
import type { SecretInput } from "../../components/secret";

/**
 * A value that was stored as a secure config value (`pulumi config set --secret`).
 * The config loader wraps every secure leaf in one of these before validation, so
 * the schema can tell a secret from plain text: a secret field accepts only this.
 */
export class ConfigSecret implements SecretInput {
  constructor(
    /** Where the value sits, as `hubfleet:<key path>`. */
    readonly path: string,
    /** The decrypted value, marked secret for Pulumi (a placeholder when rendering offline). */
    readonly value: pulumi.Output<string>,
  ) {}
}

export function isConfigSecret(value: unknown): value is ConfigSecret {
  return value instanceof ConfigSecret;
}
