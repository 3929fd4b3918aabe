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
    }
  | {
      readonly kind: "openhexa";
      /** The OpenHexa App's https origin, whose session the hub trusts. */
      readonly appUrl: string;
      /** The App's credentials view, a path on appUrl. */
      readonly credentialsPath: string;
      /** The App's session cookie. */
      readonly sessionCookieName: string;
      /** App usernames who are hub admins; whoever the App vouches for may log in. */
      readonly admins: readonly string[];
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

/** The Renku-style preset (renku.ts), laid over the gitlab login. */
export interface RenkuSpec {
  readonly defaultRef: string;
  /** Projects offered in the spawn form; empty lets users type any path they can read. */
  readonly projects: readonly string[];
  /** A home volume besides the clone (git is the persistence). */
  readonly homeVolume: boolean;
  /** Push uncommitted work to an autosave branch when a server stops. */
  readonly autosave: boolean;
  /** The clone's emptyDir size limit, a Kubernetes quantity. */
  readonly repoSizeLimit: string;
  /** The image that clones; the notebook image when unset. */
  readonly cloneImage?: ImageSpec;
  readonly choices: {
    readonly cpu: readonly number[];
    readonly memory: readonly string[];
    readonly gpu: readonly number[];
    readonly defaultUrl: readonly string[];
  };
}

export interface HubSpec {
  readonly auth: AuthSpec;
  readonly singleuser: SingleuserSpec;
  readonly culling: CullingSpec;
  readonly scheduling: HubSchedulingSpec;
  readonly renku?: RenkuSpec;
  /** Welcome files copied into a user's home on the first start only. */
  readonly homeSeed: readonly HomeSeedFile[];
}
