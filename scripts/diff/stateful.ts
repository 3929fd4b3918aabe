/**
 * Resource types whose deletion loses data or takes a whole platform away: clusters,
 * database servers and databases, buckets, disks and volumes, and the namespace that
 * holds the users' home volumes. The render diff flags these at the top of a summary
 * when they are deleted or replaced, protected or not.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  "gcp:container/cluster:Cluster",
  "gcp:sql/databaseInstance:DatabaseInstance",
  "gcp:sql/database:Database",
  "gcp:storage/bucket:Bucket",
  "gcp:compute/disk:Disk",
  "gcp:compute/regionDisk:RegionDisk",
  "digitalocean:index/kubernetesCluster:KubernetesCluster",
  "digitalocean:index/databaseCluster:DatabaseCluster",
  "digitalocean:index/databaseDb:DatabaseDb",
  "digitalocean:index/spacesBucket:SpacesBucket",
  "digitalocean:index/volume:Volume",
  "aws:s3/bucket:Bucket",
  "aws:ebs/volume:Volume",
  "aws:rds/instance:Instance",
  "aws:eks/cluster:Cluster",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kubernetes:core/v1:PersistentVolume",
  "kubernetes:core/v1:Namespace",
  "kubernetes:apps/v1:StatefulSet",
]);

export function isStateful(type: string): boolean {
  return STATEFUL_TYPES.has(type);
}
