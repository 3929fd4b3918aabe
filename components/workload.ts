/**
 * Pieces of the small StatefulSets hubfleet runs beside the hub on local estates
 * (PostgreSQL, MinIO): the hardened pod and container settings and the data volume.
 */

/** A pod that runs as a fixed non-root user with the runtime's seccomp profile and no API token. */
export function nonRootPod(uid: number) {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsUser: uid, runAsGroup: uid, fsGroup: uid, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  };
}

/** No privilege escalation and no Linux capabilities. */
export const HARDENED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/**
 * A StatefulSet's one `data` volume, and what happens to it: kept when the set is
 * deleted for protected tenants, deleted with it for disposable ones.
 */
export function dataVolume(args: { labels: Record<string, string>; size: string; storageClass?: string; protect: boolean }) {
  return {
    volumeClaimTemplates: [
      {
        metadata: { name: "data", labels: args.labels },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: args.size } },
          ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
        },
      },
    ],
    persistentVolumeClaimRetentionPolicy: args.protect
      ? { whenDeleted: "Retain", whenScaled: "Retain" }
      : { whenDeleted: "Delete", whenScaled: "Retain" },
  };
}
