/**
 * IAM policy documents as pure functions of bucket names. MinIO speaks the same
 * policy language, so local and AWS tenants get the same least-privilege access.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
const objectsArn = (bucket: string) => `arn:aws:s3:::${bucket}/*`;

/**
 * What Habari's inline policy meant: read and list the shared public bucket and
 * write only its `.s3keep` marker; list, read, write and delete objects in the
 * tenant's own lake and notebooks buckets. No bucket administration.
 */
export function tenantBucketAccessPolicy(buckets: { public: string; lake: string; notebooks: string }): PolicyDocument {
  const own = [buckets.lake, buckets.notebooks];
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListPublicBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [bucketArn(buckets.public)] },
      { Sid: "ReadPublicObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objectsArn(buckets.public)] },
      { Sid: "WritePublicKeepMarker", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${bucketArn(buckets.public)}/.s3keep`] },
      {
        Sid: "ListOwnBuckets",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        Resource: own.map(bucketArn),
      },
      {
        Sid: "ReadWriteOwnObjects",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: own.map(objectsArn),
      },
    ],
  };
}
