/** Every hubfleet policy, in one list: the pack serves it, the offline tests evaluate it. */
import type { HubfleetPolicy } from "./rule";
import { cloudSqlPolicies } from "./rules/cloudsql";
import { digitalOceanPolicies } from "./rules/digitalocean";
import { gkePolicies } from "./rules/gke";
import { hubPolicies } from "./rules/hub";
import { iamPolicies } from "./rules/iam";
import { kubernetesPolicies } from "./rules/kubernetes";
import { s3Policies } from "./rules/s3";

export const hubfleetPolicies: readonly HubfleetPolicy[] = [
  ...gkePolicies,
  ...cloudSqlPolicies,
  ...s3Policies,
  ...iamPolicies,
  ...digitalOceanPolicies,
  ...kubernetesPolicies,
  ...hubPolicies,
];
