/**
 * Pulumi's mock runtime, recording every registration the way the engine would
 * see it: urn, type, parent, provider, dependencies, inputs and protect. Used by
 * `npm run render` and by the tests, so both see the real program's resources.
 */
import * as pulumi from "@pulumi/pulumi";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { placeholderOutputs, placeholderInvoke } from "./placeholders";

// The SDK's own mock monitor; subclassed to record the whole request.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: new (mocks: pulumi.runtime.Mocks) => { resources: Map<string, unknown> };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resproto = require("@pulumi/pulumi/proto/resource_pb") as {
  RegisterResourceResponse: new () => {
    setUrn(urn: string): void;
    setId(id: string): void;
    setObject(object: structproto.Struct): void;
  };
  ReadResourceResponse: new () => {
    setUrn(urn: string): void;
    setProperties(object: structproto.Struct): void;
  };
};

export const SECRET = "[secret]";
const UNKNOWN = "[unknown]";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  provider?: string;
  dependencies: string[];
  /** Inputs as the engine receives them, secrets shown as "[secret]". */
  inputs: Record<string, unknown>;
  protect: boolean;
  custom: boolean;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): structproto.Struct;
  getProtect(): boolean;
  getDependenciesList(): string[];
  getProvider(): string;
  getImportid(): string;
  getAdditionalsecretoutputsList(): string[];
}

interface ReadRequest {
  getType(): string;
  getName(): string;
  getId(): string;
  getParent(): string;
  getProperties(): structproto.Struct;
  getDependenciesList(): string[];
  getProvider(): string;
}

type Callback = (error: unknown, response?: unknown) => void;

const SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Plain JSON of deserialized inputs, with every secret replaced by "[secret]". */
export function redact(value: unknown): unknown {
  if (isSecretEnvelope(value)) return SECRET;
  if (value === pulumi.runtime.unknownValue) return UNKNOWN;
  if (Array.isArray(value)) return value.map(redact);
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return "[asset]";
  if (pulumi.Resource.isInstance(value)) return "[resource]";
  if (typeof value === "object" && value !== null) {
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return UNKNOWN;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

/** Inputs a provider always holds as secret, whatever the program passed (a Secret's data). */
const ALWAYS_SECRET_INPUTS: Record<string, string[]> = {
  "kubernetes:core/v1:Secret": ["data", "stringData"],
  // Provider inputs reach the monitor without their secret mark; the engine keeps them secret.
  "pulumi:providers:kubernetes": ["kubeconfig"],
};

/** Redacted inputs; an always-secret map keeps its keys (even when the whole map came as one secret). */
function redactAlwaysSecret(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const out = redact(inputs) as Record<string, unknown>;
  for (const key of ALWAYS_SECRET_INPUTS[type] ?? []) {
    const raw = inputs[key];
    const value = isSecretEnvelope(raw) ? raw.value : raw;
    if (value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.keys(value).map((k) => [k, SECRET]));
    } else if (value !== undefined) {
      out[key] = SECRET;
    }
  }
  return out;
}

function providerUrn(reference: string): string | undefined {
  if (!reference) return undefined;
  const cut = reference.lastIndexOf("::");
  return cut > 0 ? reference.slice(0, cut) : reference;
}

export class PlanRecorder {
  readonly resources: RecordedResource[] = [];

  /** The resources of a type token, such as `kubernetes:helm.sh/v3:Release`. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of a type (and name suffix), or an error naming what exists. */
  one(type: string, nameEndsWith = ""): RecordedResource {
    const found = this.ofType(type).filter((r) => r.name.endsWith(nameEndsWith));
    if (found.length !== 1) {
      throw new Error(
        `expected one ${type} named *${nameEndsWith}, found ${found.length}: ${this.ofType(type)
          .map((r) => r.name)
          .join(", ")}`,
      );
    }
    return found[0]!;
  }

  byUrn(urn: string): RecordedResource | undefined {
    return this.resources.find((r) => r.urn === urn);
  }
}

class RecordingMonitor extends MockMonitor {
  constructor(
    private readonly mocks: pulumi.runtime.Mocks,
    private readonly recorder: PlanRecorder,
    private readonly stack: string,
    private readonly project: string,
  ) {
    super(mocks);
  }

  private urnFor(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentType = parent.split("::")[2]!.split("$").pop();
      qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }

  private record(
    urn: string,
    req: Pick<ReadRequest & RegisterRequest, "getType" | "getName" | "getParent" | "getProvider" | "getDependenciesList">,
    inputs: Record<string, unknown>,
    protect: boolean,
    custom: boolean,
  ): void {
    const provider = providerUrn(req.getProvider());
    this.recorder.resources.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      ...(req.getParent() ? { parent: req.getParent() } : {}),
      ...(provider ? { provider } : {}),
      dependencies: [...new Set(req.getDependenciesList())].sort(),
      inputs,
      protect,
      custom,
    });
  }

  /** Reads (StackReference, `get` functions) are recorded like registrations, with their id as an input. */
  async readResource(req: ReadRequest, callback: Callback): Promise<void> {
    try {
      const inputs = pulumi.runtime.deserializeProperties(req.getProperties(), true) as Record<string, unknown>;
      const result = await this.mocks.newResource({
        type: req.getType(),
        name: req.getName(),
        inputs,
        provider: req.getProvider(),
        custom: true,
        id: req.getId(),
      });
      const urn = this.urnFor(req.getParent(), req.getType(), req.getName());
      const serializedState = await pulumi.runtime.serializeProperties("", result.state);
      this.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
      this.record(urn, req, redact({ ...inputs, id: req.getId() }) as Record<string, unknown>, false, true);
      const response = new resproto.ReadResourceResponse();
      response.setUrn(urn);
      response.setProperties(structproto.Struct.fromJavaScript(serializedState as Record<string, structproto.JavaScriptValue>));
      callback(null, response);
    } catch (error) {
      callback(error, undefined);
    }
  }

  async registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
    try {
      const inputs = pulumi.runtime.deserializeProperties(req.getObject(), true) as Record<string, unknown>;
      const result = await this.mocks.newResource({
        type: req.getType(),
        name: req.getName(),
        inputs,
        provider: req.getProvider(),
        custom: req.getCustom(),
        id: req.getImportid(),
      });
      const urn = this.urnFor(req.getParent(), req.getType(), req.getName());
      // The engine marks these outputs secret (random passwords, keys); so does the render.
      const state: Record<string, unknown> = { ...(result.state as Record<string, unknown>) };
      for (const key of req.getAdditionalsecretoutputsList()) {
        if (key in state && !isSecretEnvelope(state[key])) state[key] = { [SIG_KEY]: SECRET_SIG, value: state[key] };
      }
      const serializedState = await pulumi.runtime.serializeProperties("", state);
      this.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
      this.record(urn, req, redactAlwaysSecret(req.getType(), inputs), req.getProtect(), req.getCustom());
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(result.id ?? "");
      response.setObject(structproto.Struct.fromJavaScript(serializedState as Record<string, structproto.JavaScriptValue>));
      callback(null, response);
    } catch (error) {
      callback(error, undefined);
    }
  }
}

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const custom = args.custom !== false;
    return {
      id: custom ? `${args.name}-id` : undefined,
      state: { ...args.inputs, ...placeholderOutputs(args.type, args.name, args.inputs) },
    };
  },
  call(args) {
    return placeholderInvoke(args.token, args.inputs);
  },
};

export interface MockRuntimeOptions {
  project?: string;
  stack: string;
  /** Full config keys (`hubfleet:tenant`) to their values; objects are passed as JSON, as the CLI does. */
  config?: Record<string, unknown>;
  secretKeys?: string[];
}

/**
 * Installs the recording mock runtime. Await it, then import the program.
 */
export async function installMockRuntime(options: MockRuntimeOptions): Promise<PlanRecorder> {
  const project = options.project ?? "hubfleet";
  await pulumi.runtime.setMocks(mocks, project, options.stack, false);
  const recorder = new PlanRecorder();
  pulumi.runtime.setMockOptions(new RecordingMonitor(mocks, recorder, options.stack, project), project, options.stack, false);
  // setMockOptions resets the feature flags setMocks turned on; without secrets support the SDK
  // sends secret inputs as plain values and the recorder could not show them as "[secret]".
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsSecrets: boolean } }).getStore().supportsSecrets = true;
  const config = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  pulumi.runtime.setAllConfig(config, options.secretKeys ?? []);
  return recorder;
}

/** Resolves an Output (or a structure of them) to plain JSON, secrets as "[secret]". */
export async function resolveOutputs(value: unknown): Promise<unknown> {
  const output: pulumi.Output<unknown> = pulumi.output(value);
  const resolved = await new Promise<unknown>((resolve) => {
    output.apply((v: unknown) => {
      resolve(v);
      return v;
    });
  });
  const secret = await pulumi.isSecret(output);
  return secret ? SECRET : resolved;
}

/** Waits until the program has registered everything (the RPC queue stays empty). */
export async function settle(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };
  await runtime.waitForRPCs();
}
