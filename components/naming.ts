/**
 * Names, labels and tags, as pure functions of the tenant. Every cloud resource
 * name comes from here, so that a tenant's resources are found by its name.
 */

/** The Helm release and Kubernetes namespace of a tenant's hub. */
export function tenantNamespace(tenant: string): string {
  return tenant;
}

export function hubReleaseName(tenant: string): string {
  return `${tenant}-hub`;
}

/** A cloud resource name `<tenant>-<role>`, cut to a provider's limit without a trailing '-'. */
export function resourceName(tenant: string, role: string, maxLength = 63): string {
  const name = `${tenant}-${role}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return name.slice(0, maxLength).replace(/-+$/, "");
}

/** Labels for GCP resources and Kubernetes objects that hubfleet owns. */
export function ownerLabels(tenant: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...extra, "managed-by": "hubfleet", "hubfleet-tenant": tenant };
}

/** AWS tags; the same facts as the labels. */
export function ownerTags(tenant: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...extra, "managed-by": "hubfleet", "hubfleet:tenant": tenant };
}

/** DigitalOcean tags are plain strings. */
export function ownerTagList(tenant: string): string[] {
  return ["hubfleet", `hubfleet-tenant-${tenant}`];
}

/** Kubernetes labels on objects hubfleet creates beside the chart. */
export function kubernetesLabels(tenant: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "hubfleet",
    "app.kubernetes.io/part-of": "hubfleet",
    "app.kubernetes.io/instance": tenant,
    "app.kubernetes.io/component": component,
  };
}
