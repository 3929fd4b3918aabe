/**
 * What a hub is asked to be, in the hub's own terms. The config schema is checked
 * against these types (`satisfies`), never the other way round: components know
 * nothing of config.
 */
import type { ImageChoice } from "../images/choice";
import type { HomeSeedFile } from "../images/home-seed";
import type { SecretInput } from "../secret";

export interface ImageSpec {
  readonly name: string;
  readonly tag: string;
}

interface LoginUsers {
  /** Hub admins. */
  readonly admins: readonly string[];
  /** Who may log in; empty lets the kind's own rule decide (organizations, domains, groups). */
  readonly allowedUsers: readonly string[];
}

interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: SecretInput;
}

export type AuthSpec =
  | (LoginUsers & OAuthClient & { readonly kind: "github"; readonly allowedOrganizations: readonly string[] })
  | (LoginUsers & OAuthClient & { readonly kind: "google"; readonly hostedDomains: readonly string[] })
  | (LoginUsers & OAuthClient & { readonly kind: "gitlab"; readonly url: string; readonly allowedGroups: readonly string[] })
  | (LoginUsers &
      OAuthClient & {
        readonly kind: "generic";
        readonly loginService: string;
        readonly authorizeUrl: string;
        readonly tokenUrl: string;
        readonly userdataUrl: string;
        readonly usernameClaim: string;
        readonly scopes: readonly string[];
        readonly allowAll: boolean;
      })
  | (LoginUsers & { readonly kind: "dummy"; readonly password?: SecretInput })
  | {
      readonly kind: "workshop";
      /** Instructors: admins, and participants too. */
      readonly admins: readonly string[];
      /** username → password; the participants are the allow list. */
      readonly participants: Readonly<Record<string, SecretInput>>;
    };

export type AuthKind = AuthSpec["kind"];
/** The logins that send users to an identity provider and back (they need https). */
export const OAUTH_KINDS: readonly AuthKind[] = ["github", "google", "gitlab", "generic"];

export interface ResourceRange<T> {
  readonly guarantee: T;
  readonly limit: T;
}

export interface ProfileSpec {
  readonly name: string;
  readonly description: string;
  readonly default: boolean;
  /** The profile's own image; the default server's otherwise. */
  readonly image?: ImageChoice;
  readonly cpu?: ResourceRange<number>;
  readonly memory?: ResourceRange<string>;
  /** GPUs per server; the server goes to the GPU pool. */
  readonly gpus?: number;
}

export interface SingleuserSpec {
  /** An image of `images/` built by the estate, or a pinned external reference. */
  readonly image: ImageChoice;
  readonly cpu: ResourceRange<number>;
  readonly memory: ResourceRange<string>;
  readonly defaultUrl: string;
  /** Home volume size, a Kubernetes quantity. */
  readonly storage: string;
  /** Plain (non-secret) environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly profiles: readonly ProfileSpec[];
  /** JupyterLab's autosave interval, in seconds. */
  readonly autosaveSeconds?: number;
}

export interface CullingSpec {
  readonly enabled: boolean;
  readonly timeout: number;
  readonly every: number;
  readonly maxAge: number;
}

export interface HubSchedulingSpec {
  readonly userScheduler: boolean;
  readonly podPriority: boolean;
  readonly userPlaceholders: number;
}

export interface HubSpec {
  readonly auth: AuthSpec;
  readonly singleuser: SingleuserSpec;
  readonly culling: CullingSpec;
  readonly scheduling: HubSchedulingSpec;
  /** Welcome files copied into a user's home on the first start only. */
  readonly homeSeed: readonly HomeSeedFile[];
}
