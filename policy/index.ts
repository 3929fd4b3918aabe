/**
 * The hubfleet policy pack: `pulumi preview --policy-pack policy` runs this file.
 * It only serves the policies; they live in policies.ts so tests can import them
 * without starting the policy server.
 */
import { PolicyPack } from "@pulumi/policy";
import { hubfleetPolicies } from "./policies";

new PolicyPack("hubfleet", {
  description: "hubfleet's guarantees (CIS GKE, CIS GCP and AWS Foundations, Pod Security) checked before any change",
  enforcementLevel: "mandatory",
  policies: [...hubfleetPolicies],
});
