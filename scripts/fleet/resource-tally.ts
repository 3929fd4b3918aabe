/**
 * Counts resources from Pulumi engine events: a resource is known once its step
 * starts, and done once its outputs (or its failure) arrive. The total is the larger
 * of what the backend last recorded and what the run has announced so far, because
 * the engine never says upfront how many steps an update will take.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { ResourceProgress } from "./runner";

export class ResourceTally {
  private readonly known = new Set<string>();
  private readonly finished = new Set<string>();

  constructor(private readonly expectedTotal?: number) {}

  /** Takes one event; true when the counts changed. */
  observe(event: EngineEvent): boolean {
    const started = event.resourcePreEvent?.metadata.urn;
    const ended = event.resOutputsEvent?.metadata.urn ?? event.resOpFailedEvent?.metadata.urn;
    const before = this.known.size + this.finished.size;
    if (started) this.known.add(started);
    if (ended) {
      this.known.add(ended);
      this.finished.add(ended);
    }
    return this.known.size + this.finished.size !== before;
  }

  get progress(): ResourceProgress {
    const seen = this.known.size;
    const total = this.expectedTotal === undefined ? (seen > 0 ? seen : undefined) : Math.max(this.expectedTotal, seen);
    return { done: this.finished.size, ...(total === undefined ? {} : { total }) };
  }
}
