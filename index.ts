// hubfleet: one stack, one tenant estate (or a cluster shared by tenants). See README.md.
import { readRuntimeConfig } from "./stacks/config/load";
import { runProgram } from "./stacks/program";

export = runProgram(readRuntimeConfig());
