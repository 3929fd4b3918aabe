/** Placeholders for digitalocean resources and provider functions (merged in placeholders.ts). */
import { known, type PlaceholderRules } from "./placeholder-kit";

export const digitaloceanPlaceholders: PlaceholderRules = {
  outputs: {},
  invokes: {},
};

void known;
