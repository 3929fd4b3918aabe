/** AWS IAM documents: least privilege, and a web-identity trust that names one service account. */
import { at, resourceRule, type HubfleetPolicy } from "../rule";
import { parseDocument, statements, strings } from "./iam-document";

/** Where each resource type keeps a permissions document. */
const PERMISSION_DOCUMENTS: Readonly<Record<string, string>> = {
  "aws:iam/rolePolicy:RolePolicy": "policy",
  "aws:iam/userPolicy:UserPolicy": "policy",
  "aws:iam/policy:Policy": "policy",
  "aws:iam/groupPolicy:GroupPolicy": "policy",
  "aws:s3/bucketPolicy:BucketPolicy": "policy",
};
export const IAM_ROLE = "aws:iam/role:Role";

const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
/** Kubernetes service-account subjects: exactly one namespace and account. */
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/;

/** What is too broad in one Allow statement. */
export function allowWildcards(statement: {
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}): string[] {
  if (statement.Effect !== "Allow") return [];
  const problems: string[] = [];
  for (const action of strings(statement.Action)) if (action.includes("*")) problems.push(`action ${action} is a wildcard`);
  if (statement.NotAction !== undefined) problems.push("NotAction allows everything not listed");
  for (const resource of strings(statement.Resource)) if (resource === "*") problems.push("resource * is every resource");
  if (statement.NotResource !== undefined) problems.push("NotResource allows every resource not listed");
  return problems;
}

export const iamPolicies: HubfleetPolicy[] = [
  resourceRule({
    name: "iam-no-wildcard-allow",
    description: "No Allow statement grants a wildcard action or the resource *",
    benchmarks: ["CIS AWS 3.0 1.16", "checkov CKV_AWS_1", "CKV_AWS_63", "CKV_AWS_355"],
    types: Object.keys(PERMISSION_DOCUMENTS),
    check: (r) =>
      statements(parseDocument(r.props[PERMISSION_DOCUMENTS[r.type]!])).flatMap((s, index) =>
        allowWildcards(s).map((problem) => `statement ${s.Sid ?? index}: ${problem}`),
      ),
  }),
  resourceRule({
    name: "iam-web-identity-one-service-account",
    description: "A role assumed by web identity trusts one Kubernetes service account (sub) for the STS audience (aud)",
    benchmarks: ["no CIS or checkov ID for Kubernetes subjects: AWS IAM guidance for IRSA trust policies (sub and aud conditions)"],
    types: [IAM_ROLE],
    check: (r) =>
      statements(parseDocument(at(r.props, "assumeRolePolicy")))
        .filter((s) => s.Effect === "Allow" && strings(s.Action).includes(WEB_IDENTITY))
        .flatMap((s, index) => {
          const label = `statement ${s.Sid ?? index}`;
          const equals = (at(s.Condition, "StringEquals") ?? {}) as Record<string, unknown>;
          const subjects = Object.entries(equals)
            .filter(([key]) => key.endsWith(":sub"))
            .flatMap(([, value]) => strings(value));
          const audiences = Object.entries(equals)
            .filter(([key]) => key.endsWith(":aud"))
            .flatMap(([, value]) => strings(value));
          const problems: string[] = [];
          if (subjects.length !== 1 || !SERVICE_ACCOUNT_SUBJECT.test(subjects[0]!))
            problems.push(
              `${label}: StringEquals must name exactly one system:serviceaccount:<namespace>:<name> subject, not ${JSON.stringify(subjects)}`,
            );
          if (audiences.length !== 1 || audiences[0] !== "sts.amazonaws.com")
            problems.push(`${label}: StringEquals must limit the audience to sts.amazonaws.com, not ${JSON.stringify(audiences)}`);
          if (at(s.Condition, "StringLike") !== undefined) problems.push(`${label}: StringLike lets a pattern match many subjects`);
          return problems;
        }),
  }),
];
