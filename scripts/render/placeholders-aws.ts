/** Placeholders for aws resources and provider functions (merged in placeholders.ts). */
import { known, type PlaceholderRules } from "./placeholder-kit";

export const awsPlaceholders: PlaceholderRules = {
  outputs: {},
  invokes: {},
};

void known;
