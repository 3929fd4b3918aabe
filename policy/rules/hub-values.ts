/** The jupyterhub Helm release, as the policies recognise it. */
import { at } from "../rule";

export const HUB_RELEASE = "kubernetes:helm.sh/v3:Release";

export function isJupyterHubRelease(props: Record<string, unknown>): boolean {
  return at(props, "chart") === "jupyterhub";
}
