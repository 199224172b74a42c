import { createHash } from "crypto";
import { AccountData, findResource, StoredResource } from "./account";
import { AwsError } from "./awsError";

/** Where a call runs: the account file's data, and the region and account of the provider making it. */
export interface CallContext {
    readonly data: AccountData;
    readonly region: string;
    readonly accountId: string;
}

export interface Created {
    readonly id: string;
    /** What AWS computes (ARNs, addresses, revisions); merged over the inputs to make the outputs. */
    readonly computed: Record<string, unknown>;
}

/** How the simulated AWS API treats one resource type. Inputs reach it without secret wrappers. */
export interface Behaviour {
    /** The property the provider fills with `<name>-<random>` when the program leaves it unset. */
    readonly autoName?: string;
    /** Validates like the AWS API and invents the id: throws AwsError (or DeploymentFailed) to refuse. */
    create(ctx: CallContext, inputs: Record<string, any>): Created;
    /** What AWS does right after creating it, once it has an id (a group's inline rules). */
    afterCreate?(ctx: CallContext, resource: StoredResource): void;
    /** Validates an in-place update; returns what AWS recomputes. Throwing leaves the resource as it was. */
    update?(ctx: CallContext, resource: StoredResource, inputs: Record<string, any>): Record<string, unknown>;
    /** Refuses a delete AWS would refuse, and removes what AWS removes with the resource. */
    delete?(ctx: CallContext, resource: StoredResource): void;
    /** Outputs that AWS derives from other objects (a group's rules, a table's routes), read at refresh. */
    derived?(ctx: CallContext, resource: StoredResource): Record<string, unknown>;
    /**
     * Which derived outputs are also input properties of the provider's schema, so an import reads them
     * into the inputs (a group's inline `ingress`/`egress`, which terraform-provider-aws reads from all
     * of the group's rules, however they were made).
     */
    readonly derivedInputs?: readonly string[];
    /** Finds the stored resource for an id in the form `pulumi import` takes, when it differs from the id. */
    findByImportId?(ctx: CallContext, id: string): StoredResource | undefined;
}

/** A hex string derived from the account's sequence: ids look like AWS's and repeat across replays. */
export function inventHex(data: AccountData, length: number): string {
    data.sequence += 1;
    return createHash("sha256").update(`simulated-${data.sequence}`).digest("hex").slice(0, length);
}

export function arn(ctx: CallContext, service: string, resource: string, region = ctx.region): string {
    return `arn:aws:${service}:${region}:${ctx.accountId}:${resource}`;
}

/** Fails the way the EC2 (or other) API does when a referenced id does not exist. */
export function requireExisting(
    ctx: CallContext,
    type: string,
    id: unknown,
    error: { service: string; operation: string; code: string; what: string },
): StoredResource {
    const found = typeof id === "string" ? findResource(ctx.data, type, id) : undefined;
    if (!found) throw new AwsError(error.service, error.operation, error.code, `The ${error.what} '${String(id)}' does not exist`);
    return found;
}

export function asList(value: unknown): any[] {
    return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}
