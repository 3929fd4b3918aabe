/** Placeholders for gcp resources and provider functions (merged in placeholders.ts). */
import { known, type PlaceholderRules } from "./placeholder-kit";

export const gcpPlaceholders: PlaceholderRules = {
  outputs: {},
  invokes: {},
};

void known;
