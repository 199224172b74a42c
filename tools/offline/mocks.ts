import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { redactSecrets } from "./secretValues";

/** One registration as the program made it: what `pulumi preview` would show. */
export interface RecordedResource {
    /** Secret inputs and state are recorded as `[secret]`: what tests and the plan see is what may be printed. */
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    /** Inputs plus the outputs the mock invented (ids, ARNs, URLs). */
    readonly state: Record<string, unknown>;
    readonly id?: string;
    /** The id given in the `import` option: this resource is adopted, not created. */
    readonly importId?: string;
    readonly custom: boolean;
    /** Provider reference (`urn::id`) the resource was registered with. */
    readonly provider?: string;
}

/**
 * A registration's resource options as the engine receives them in RegisterResourceRequest,
 * named as `pulumi preview --json` names them in a step's state.
 */
export interface RegistrationOptions {
    readonly urn: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly ignoreChanges: string[];
    /** URNs this resource waits for: `dependsOn` plus every resource its inputs come from. */
    readonly dependencies: string[];
}

/** Answers for `get*` invokes, built from stack config so a plan is deterministic. */
/** Answers a lookup from its inputs and the provider reference (`<urn>::<id>`) it was made with, if any. */
export type LookupAnswers = Record<string, (inputs: Record<string, unknown>, provider?: string) => Record<string, unknown>>;

/** The parts of the SDK's RegisterResourceRequest/Response this module reads. */
interface RegisterRequest {
    getName(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getIgnorechangesList(): string[];
    getDependenciesList(): string[];
}
type RegisterCallback = (error: Error | null, response?: { getUrn(): string }) => void;
interface MonitorWithRegister {
    registerResource(req: RegisterRequest, callback: RegisterCallback): unknown;
}

const DOC_NET = "203.0.113"; // RFC 5737 documentation range: an offline plan never shows a real IP.

function shortHash(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 17);
}

function stringInput(inputs: Record<string, unknown>, key: string, fallback: string): string {
    const value = inputs[key];
    return typeof value === "string" ? value : fallback;
}

/** Invented outputs for the types this program creates; ids are stable hashes of the name. */
function outputsFor(type: string, name: string, inputs: Record<string, unknown>, id: string): Record<string, unknown> {
    switch (type) {
        case "aws:apprunner/vpcConnector:VpcConnector":
            return {
                arn: id.startsWith("arn:")
                    ? id
                    : `arn:aws:apprunner:offline:000000000000:vpcconnector/${stringInput(inputs, "vpcConnectorName", name)}/1/${shortHash(name)}`,
            };
        case "aws:apprunner/service:Service":
            return {
                arn: id.startsWith("arn:")
                    ? id
                    : `arn:aws:apprunner:offline:000000000000:service/${stringInput(inputs, "serviceName", name)}/${shortHash(name)}`,
                serviceUrl: `${shortHash(name).slice(0, 10)}.offline.awsapprunner.com`,
            };
        case "aws:ec2/eip:Eip":
            return { publicIp: `${DOC_NET}.${(parseInt(shortHash(name).slice(0, 4), 16) % 250) + 1}`, allocationId: id };
        case "aws:ecs/taskDefinition:TaskDefinition":
            return { arn: `arn:aws:ecs:offline:000000000000:task-definition/${stringInput(inputs, "family", name)}:1`, revision: 1 };
        case "aws:secretsmanager/secret:Secret":
            // Complete ARNs end in `-` and six random characters.
            return { arn: `arn:aws:secretsmanager:offline:000000000000:secret:${stringInput(inputs, "name", name)}-${shortHash(name).slice(0, 6)}` };
        case "aws:secretsmanager/secretVersion:SecretVersion": {
            // AWS gives every version a UUID; offline it is derived from the name, so plans compare.
            const hex = `${shortHash(name)}${shortHash(`${name}/version`)}`.padEnd(32, "0").slice(0, 32);
            return { versionId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
        }
        case "aws:ecs/service:Service":
            return { name: stringInput(inputs, "name", name) };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { name: stringInput(inputs, "name", name), arn: `arn:aws:logs:offline:000000000000:log-group:${stringInput(inputs, "name", name)}` };
        case "awsx:ec2:Vpc": {
            // A remote component: its children never reach the mocks. Invent the ids its outputs
            // would list, as many NAT gateways (each with an EIP and a private route table) as
            // the requested strategy creates, so the plan and the NAT policy see the same shape.
            const azCount = typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 2;
            const strategy = (inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz";
            const natCount = strategy === "None" ? 0 : strategy === "Single" ? 1 : azCount;
            const ids = (kind: string, count: number) => Array.from({ length: count }, (_, i) => `${kind}-${shortHash(`${name}-${kind}-${i}`)}`);
            return {
                vpcId: `vpc-${shortHash(name)}`,
                privateSubnetIds: ids("subnet-private", azCount).map((id) => id.replace("subnet-private", "subnet")),
                publicSubnetIds: ids("subnet-public", azCount).map((id) => id.replace("subnet-public", "subnet")),
                isolatedSubnetIds: [],
                natGateways: ids("nat", natCount).map((id) => ({ id })),
                eips: ids("eipalloc", natCount).map((id, i) => ({ id, publicIp: `${DOC_NET}.${200 + i}` })),
                routeTables: ids("rtb", azCount).map((id) => ({ id })),
            };
        }
        default:
            // Pulumi auto-names most resources `<name>-<7 hex>`; invent the same shape.
            return { arn: `arn:aws:offline:${type}:${name}`, name: stringInput(inputs, "name", `${name}-${shortHash(name).slice(0, 7)}`) };
    }
}

const ID_PREFIX: Record<string, string> = {
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/route:Route": "r",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

/**
 * Pulumi mocks that record every registration. Used by the unit tests and by the offline plan,
 * so what the tests assert is what the plan shows.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    /** Options by resource name; filled once `recordOptions()` has wrapped the mock monitor. */
    readonly options = new Map<string, RegistrationOptions>();

    constructor(private readonly lookups: LookupAnswers = {}) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        const prefix = ID_PREFIX[args.type];
        const id = args.id || (prefix ? `${prefix}-${shortHash(args.name)}` : `${args.name}-id`);
        const state = { ...inputs, ...outputsFor(args.type, args.name, inputs, id) };
        this.resources.push({
            type: args.type,
            name: args.name,
            inputs: redactSecrets(inputs) as Record<string, unknown>,
            state: redactSecrets(state) as Record<string, unknown>,
            id,
            importId: args.id || undefined,
            custom: args.custom !== false,
            provider: args.provider,
        });
        return { id: args.custom === false ? undefined : id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const answer = this.lookups[args.token];
        if (!answer) throw new Error(`offline mocks have no answer for lookup ${args.token}; add one to the lookups built from stack config`);
        return answer(args.inputs as Record<string, unknown>, args.provider);
    }

    /**
     * Wraps the mock monitor installed by `setMocks` so every RegisterResourceRequest's options
     * (protect, retainOnDelete, ignoreChanges, dependencies) are recorded beside its inputs.
     * Call right after `setMocks`.
     */
    recordOptions(): void {
        const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) =>
            register(req, (error, response) => {
                if (!error && response) {
                    this.options.set(req.getName(), {
                        urn: response.getUrn(),
                        protect: req.getProtect() === true,
                        retainOnDelete: req.getRetainondelete() === true,
                        ignoreChanges: req.getIgnorechangesList(),
                        dependencies: req.getDependenciesList(),
                    });
                }
                callback(error, response);
            });
    }

    optionsOf(name: string): RegistrationOptions {
        const found = this.options.get(name);
        if (!found) throw new Error(`no options recorded for ${name}; was recordOptions() called after setMocks?`);
        return found;
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    named(name: string): RecordedResource {
        const found = this.resources.find((r) => r.name === name);
        if (!found) throw new Error(`no resource named ${name}; have ${this.resources.map((r) => r.name).join(", ")}`);
        return found;
    }
}

/**
 * Lookup answers derived from the stack's config: the ECS cluster ARN from account, region and
 * name; a Secrets Manager secret's full ARN (an invented `-` + 6 suffix, as AWS appends one).
 */
export function lookupsFromConfig(projectConfig: Record<string, unknown>): LookupAnswers {
    const ecs = (projectConfig.ecs ?? {}) as { account?: { id?: string; region?: string } };
    const appRunner = (projectConfig.appRunner ?? {}) as { account?: { id?: string; region?: string } };
    return {
        "aws:secretsmanager/getSecret:getSecret": (inputs, provider) => {
            // A name resolves in the account and region of the provider that looks it up (the program's two).
            const account = provider?.includes("::ecs-account::") ? ecs.account : appRunner.account;
            const partialArn =
                typeof inputs.arn === "string" ? inputs.arn : `arn:aws:secretsmanager:${account?.region}:${account?.id}:secret:${String(inputs.name)}`;
            const arn = `${partialArn}-${shortHash(partialArn).slice(0, 6)}`;
            return { arn, id: arn, name: partialArn.split(":secret:")[1] };
        },
        // Offline, a rule looked up by id exists (the live account is not read): the adopt stage declares it.
        "aws:vpc/getSecurityGroupRules:getSecurityGroupRules": (inputs) => {
            const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
            return { id: "offline", ids: filters.filter((f) => f.name === "security-group-rule-id").flatMap((f) => f.values) };
        },
        "aws:ecs/getCluster:getCluster": (inputs) => ({
            id: `arn:aws:ecs:${ecs.account?.region}:${ecs.account?.id}:cluster/${String(inputs.clusterName)}`,
            arn: `arn:aws:ecs:${ecs.account?.region}:${ecs.account?.id}:cluster/${String(inputs.clusterName)}`,
            clusterName: inputs.clusterName,
            status: "ACTIVE",
        }),
    };
}
