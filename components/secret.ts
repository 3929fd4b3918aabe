import type * as pulumi from "@pulumi/pulumi";

/**
 * A secret handed to a component: where it came from (for messages) and its value
 * as a Pulumi secret. Components accept only this for anything secret, so a plain
 * string can never reach a password or client-secret argument.
 */
export interface SecretInput {
  /** Where the value was set, such as `hubfleet:hub.auth.clientSecret`. */
  readonly path: string;
  readonly value: pulumi.Output<string>;
}
