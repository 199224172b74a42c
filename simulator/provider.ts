import { RolledBack } from "./awsError";
import { createHash } from "crypto";
import { isDeepStrictEqual } from "util";
import * as provider from "@pulumi/pulumi/provider";
import { replacingKeys } from "../tools/offline/replaceOn";
import { AccountData, AccountFile, findResource, mergeScope, scopeTo, StoredResource } from "./account";
import { Behaviour, CallContext } from "./behaviour";
import { answerInvoke } from "./invokes";
import { BEHAVIOURS } from "./types";
import { containsUnknown, isSecret, plain, plainRecord, secret } from "./values";

/** The region and account a provider instance works in, from its configuration (`region`, `allowedAccountIds`). */
export interface ProviderSettings {
    region: string;
    accountId: string;
}

function typeOf(urn: string): string {
    return urn.split("::")[2].split("$").pop()!;
}

function nameOf(urn: string): string {
    return urn.split("::")[3];
}

function behaviourOf(type: string): Behaviour {
    const behaviour = BEHAVIOURS[type];
    if (!behaviour) throw new Error(`the simulated AWS account does not model ${type} (see docs/contributing.md, "What the simulation does not model")`);
    return behaviour;
}

/** Top-level inputs the program sets whose value differs from what the resource has now. */
function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    return Object.keys(news)
        .filter((key) => !key.startsWith("__"))
        .filter((key) => containsUnknown(news[key]) || !isDeepStrictEqual(plain(olds[key]), plain(news[key])))
        .sort();
}

function isZero(value: unknown): boolean {
    if (value === undefined || value === null || value === "" || value === false || value === 0) return true;
    if (Array.isArray(value)) return value.length === 0;
    return typeof value === "object" && Object.keys(value as object).length === 0;
}

/**
 * The inputs pulumi-aws's Read hands the engine on an import: every input property the live resource
 * has a value for, read back from AWS, not only the ones the program will set
 * (pulumi-terraform-bridge `ExtractInputsFromOutputs`, schema-directed on import; it drops properties
 * whose value is zero or the default). So an adopted group arrives with all its live rules inline.
 */
function importedInputs(stored: Record<string, unknown>, derived: Record<string, unknown>, derivedInputs: readonly string[]): Record<string, unknown> {
    const read = { ...stored, ...Object.fromEntries(derivedInputs.filter((key) => key in derived).map((key) => [key, derived[key]])) };
    return Object.fromEntries(Object.entries(read).filter(([, value]) => !isZero(value)));
}

/** Wraps again, as secrets, the top-level values that were secret in the engine's copy of the state. */
function keepSecrecy(previous: Record<string, unknown>, current: Record<string, unknown>): Record<string, unknown> {
    const result = { ...current };
    for (const [key, value] of Object.entries(previous)) if (isSecret(value) && key in result) result[key] = secret(result[key]);
    return result;
}

/**
 * A resource provider for `aws` that answers from a JSON account file instead of AWS: the engine runs it
 * like pulumi-aws (check, diff, create, read, update, delete, invoke), and it refuses what AWS refuses.
 */
export class SimulatedAws implements provider.Provider {
    readonly version: string;

    constructor(
        private readonly account: AccountFile,
        private readonly settings: () => ProviderSettings,
        version: string,
    ) {
        this.version = version;
    }

    private change<T>(call: (ctx: CallContext) => T): T {
        const { region, accountId } = this.settings();
        return this.account.update((data) => {
            const view = scopeTo(data, region, accountId);
            const before = { ...view, resources: [...view.resources] };
            const result = call({ data: view, region, accountId });
            mergeScope(data, view, before);
            return result;
        });
    }

    async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<provider.CheckResult> {
        const behaviour = behaviourOf(typeOf(urn));
        const key = behaviour.autoName;
        if (!key || news[key] !== undefined) return { inputs: news };
        // Like the provider's auto-naming: keep the name a resource already has, else `<name>-<7 hex>`. pulumi-aws
        // draws the suffix from the engine's per-resource seed, so a preview saved with --save-plan and the
        // `up --plan` that applies it agree; the seed does not reach this interface, so the URN stands in for it.
        // The engine's seed is fresh for every new resource, so a name is never one AWS already holds: here a
        // name still taken (by a resource a step back retained, say) is drawn again from the next hash.
        if (olds[key] !== undefined) return { inputs: { ...news, [key]: olds[key] } };
        const type = typeOf(urn);
        const taken = new Set(
            this.account
                .read()
                .resources.filter((r) => r.type === type)
                .map((r) => r.inputs[key]),
        );
        let name = "";
        for (let draw = 0; !name || taken.has(name); draw++)
            name = `${nameOf(urn)}-${createHash("sha256")
                .update(draw ? `${urn}#${draw}` : urn)
                .digest("hex")
                .slice(0, 7)}`;
        return { inputs: { ...news, [key]: name } };
    }

    async diff(_id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<provider.DiffResult> {
        const keys = changedKeys(olds, news);
        const replaces = replacingKeys(typeOf(urn), keys, plainRecord(olds), plainRecord(news));
        return { changes: keys.length > 0, replaces, deleteBeforeReplace: false };
    }

    async create(urn: string, inputs: Record<string, unknown>): Promise<provider.CreateResult> {
        const type = typeOf(urn);
        const behaviour = behaviourOf(type);
        return this.change((ctx) => {
            const asked = plainRecord(inputs);
            const { id, computed } = behaviour.create(ctx, asked);
            const stored: StoredResource = { type, id, region: ctx.region, inputs: asked, outputs: { ...asked, ...computed } };
            ctx.data.resources.push(stored);
            behaviour.afterCreate?.(ctx, stored);
            ctx.data.events.push({ op: "create", type, id });
            return { id, outs: { ...inputs, ...computed } };
        });
    }

    async read(id: string, urn: string, props?: Record<string, unknown>): Promise<provider.ReadResult> {
        const type = typeOf(urn);
        const behaviour = behaviourOf(type);
        const { region, accountId } = this.settings();
        const data: AccountData = scopeTo(this.account.read(), region, accountId);
        const ctx = { data, region, accountId };
        const found = findResource(data, type, id) ?? behaviour.findByImportId?.(ctx, id);
        if (!found) {
            // An import asks with no properties: say plainly what is missing. A refresh gets an empty id: the resource is gone.
            if (Object.keys(props ?? {}).length === 0) throw new Error(`importing ${type} ${id}: no such resource in the simulated account`);
            return { id: "", props: {} };
        }
        const derived = behaviour.derived?.(ctx, found) ?? {};
        const outputs = { ...found.outputs, ...derived, id: found.id };
        // A refresh keeps the inputs the engine has; an import (no properties yet) reads them all from AWS.
        const importing = Object.keys(props ?? {}).length === 0;
        const inputs = importing ? importedInputs(found.inputs, derived, behaviour.derivedInputs ?? []) : found.inputs;
        return { id: found.id, props: keepSecrecy(props ?? {}, outputs), inputs };
    }

    async update(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<provider.UpdateResult> {
        const type = typeOf(urn);
        const behaviour = behaviourOf(type);
        return this.change((ctx) => {
            const stored = findResource(ctx.data, type, id);
            if (!stored) throw new Error(`updating ${type} ${id}: it no longer exists in the simulated account (run \`pulumi refresh\`)`);
            const asked = plainRecord(news);
            let recomputed: Record<string, unknown>;
            try {
                recomputed = behaviour.update?.(ctx, stored, asked) ?? {};
            } catch (error) {
                // Success with the live (old) configuration read back, as the real provider reports it.
                if (error instanceof RolledBack) return { outs: { ...stored.outputs, id } };
                throw error;
            }
            const computed = Object.fromEntries(Object.entries(stored.outputs).filter(([key]) => !(key in stored.inputs)));
            stored.inputs = asked;
            stored.outputs = { ...asked, ...computed, ...recomputed };
            ctx.data.events.push({ op: "update", type, id });
            return { outs: { ...olds, ...news, ...computed, ...recomputed } };
        });
    }

    async delete(id: string, urn: string): Promise<void> {
        const type = typeOf(urn);
        const behaviour = behaviourOf(type);
        this.change((ctx) => {
            const stored = findResource(ctx.data, type, id);
            if (!stored) return; // Already gone: deleting it again succeeds, as the provider treats NotFound.
            behaviour.delete?.(ctx, stored);
            ctx.data.resources = ctx.data.resources.filter((r) => r !== stored);
            ctx.data.events.push({ op: "delete", type, id });
        });
    }

    async invoke(token: string, inputs: Record<string, unknown>): Promise<provider.InvokeResult> {
        const { region, accountId } = this.settings();
        return { outputs: answerInvoke({ data: scopeTo(this.account.read(), region, accountId), region, accountId }, token, plainRecord(inputs)) };
    }
}
