/**
 * What `npm run render` writes for one stack, as pure functions of the recorded
 * resources and outputs: plan.json, hub-values.yaml and a README with a resource
 * table per component and a Mermaid diagram (the render contract in DESIGN.md).
 */
import { stringify } from "yaml";
import type { RecordedResource } from "./mock-runtime";
import type { ApplyTimeEstimate } from "../estimate/apply-time";
import type { CostEstimate } from "../estimate/cost";
import { estimatesMarkdown } from "./estimates";

export const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** A recorded resource as plan.json shows it (DESIGN.md's field list). */
export type PlanResource = Omit<RecordedResource, "custom">;

export interface Plan {
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, unknown>;
  /** Added by the render (scripts/render/estimates.ts). */
  cost?: CostEstimate;
  applyTime?: ApplyTimeEstimate;
}

/** Sorted by URN, so that the order of asynchronous registrations never shows. */
export function buildPlan(stack: string, recorded: readonly RecordedResource[], outputs: Record<string, unknown>): Plan {
  const resources = [...recorded]
    .sort((a, b) => a.urn.localeCompare(b.urn))
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      ...(r.provider ? { provider: r.provider } : {}),
      dependencies: r.dependencies,
      inputs: r.inputs,
      protect: r.protect,
    }));
  const sortedOutputs = Object.fromEntries(Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b)));
  return { stack, resources, outputs: sortedOutputs };
}

/** The values the jupyterhub release receives, or a note where the stack holds no hub. */
export function hubValuesYaml(plan: Plan): string {
  const release = plan.resources.find((r) => r.type === RELEASE_TYPE);
  if (!release) return `# ${plan.stack} holds no hub release (a cluster shared by tenant stacks).\n{}\n`;
  const header = `# Values of the ${String(release.inputs.chart)} ${String(release.inputs.version)} release ${String(release.inputs.name)} in namespace ${String(release.inputs.namespace)}.\n# Rendered offline by hubfleet; secrets never appear here, only Secret names and keys.\n`;
  // YAML 1.1 quoting, as Helm reads it: a tag like 2025-10-20 stays a string.
  return header + stringify(release.inputs.values ?? {}, { lineWidth: 0, version: "1.1" });
}

const isComponent = (r: PlanResource) => r.type.startsWith("hubfleet:");

/** The nearest component above a resource, or undefined at the top. */
function owningComponent(resource: PlanResource, byUrn: Map<string, PlanResource>): PlanResource | undefined {
  let parent = resource.parent ? byUrn.get(resource.parent) : undefined;
  while (parent && !isComponent(parent)) parent = parent.parent ? byUrn.get(parent.parent) : undefined;
  return parent;
}

/** The services the release's values register with the hub (`hub.services`), by name. */
export function hubServices(release: PlanResource): { name: string; url?: string }[] {
  const values = release.inputs.values as { hub?: { services?: Record<string, { url?: string }> } } | undefined;
  return Object.entries(values?.hub?.services ?? {})
    .map(([name, service]) => ({ name, ...(typeof service?.url === "string" ? { url: service.url } : {}) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function mermaidLabel(text: string): string {
  return text.replace(/"/g, "'");
}

export function readme(plan: Plan): string {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const components = plan.resources.filter(isComponent);
  const lines: string[] = [
    `# Stack \`${plan.stack}\``,
    "",
    `Rendered offline by \`npm run render\` under Pulumi's mock runtime: ${plan.resources.length} resources in ${components.length} components. ` +
      "Values only a deployment knows are shown as `<resource.property>`, secrets as `[secret]`.",
    "",
    "## Resources by component",
    "",
  ];
  for (const component of components) {
    const children = plan.resources.filter((r) => !isComponent(r) && owningComponent(r, byUrn)?.urn === component.urn);
    lines.push(`### ${component.name} (\`${component.type}\`)`, "");
    if (children.length === 0) {
      lines.push("Only components.", "");
      continue;
    }
    lines.push("| type | name | protected |", "| --- | --- | --- |");
    for (const child of children) lines.push(`| \`${child.type}\` | ${child.name} | ${child.protect ? "yes" : "no"} |`);
    lines.push("");
  }
  const ids = new Map(plan.resources.map((r, index) => [r.urn, `r${index}`]));
  lines.push("## Diagram", "", "```mermaid", "flowchart TD");
  const renderComponent = (component: PlanResource, indent: string) => {
    lines.push(`${indent}subgraph ${ids.get(component.urn)}["${mermaidLabel(`${component.name} (${component.type})`)}"]`);
    for (const r of plan.resources.filter(
      (x) =>
        x.parent === component.urn || (!isComponent(x) && owningComponent(x, byUrn)?.urn === component.urn && x.parent !== component.urn),
    )) {
      if (isComponent(r)) renderComponent(r, `${indent}  `);
      else lines.push(`${indent}  ${ids.get(r.urn)}["${mermaidLabel(`${r.type.split(":").pop()}: ${r.name}`)}"]`);
    }
    lines.push(`${indent}end`);
  };
  for (const top of components.filter((c) => !c.parent || !byUrn.has(c.parent))) renderComponent(top, "  ");
  const release = plan.resources.find((r) => r.type === RELEASE_TYPE);
  if (release) {
    for (const dependency of release.dependencies) {
      const target = byUrn.get(dependency);
      if (target && !isComponent(target)) lines.push(`  ${ids.get(dependency)} --> ${ids.get(release.urn)}`);
    }
  }
  // A node per service registered with the hub, routed by its proxy, tied to the component that runs it.
  const services = release ? hubServices(release) : [];
  services.forEach((service, index) => {
    const node = `svc${index}`;
    lines.push(
      `  ${node}(["${mermaidLabel(`hub service ${service.name}: /services/${service.name}/`)}"])`,
      `  ${ids.get(release!.urn)} -->|hub.services| ${node}`,
    );
    const runner = components.find((c) => c.type.startsWith("hubfleet:services:") && c.name.endsWith(`-${service.name}`));
    if (runner) lines.push(`  ${node} -.- ${ids.get(runner.urn)}`);
  });
  lines.push("```", "");
  if (services.length > 0) {
    lines.push("## Services beside the hub", "", "| service | path | in-cluster address |", "| --- | --- | --- |");
    for (const service of services)
      lines.push(`| ${service.name} | \`/services/${service.name}/\` | ${service.url ? `\`${service.url}\`` : "none (API only)"} |`);
    lines.push("");
  }
  lines.push(...estimatesMarkdown(plan));
  return lines.join("\n");
}
