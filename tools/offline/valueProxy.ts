import { isSecretEnvelope, SECRET } from "./secretValues";

// The engine wraps props so a policy that reads a preview-time unknown stops with UnknownValueError;
// this proxy does the same, and also stops a policy that reads a secret the offline tools cannot see.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyProxy = require("@pulumi/policy/proxy") as {
    UnknownValueError: new (sentinel: string, props: PropertyKey[]) => Error;
    unknownStringValue: string;
    unknownNumberValue: string;
    unknownBooleanValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
    unknownAssetValue: string;
    unknownArchiveValue: string;
};

const UNKNOWNS = new Set<unknown>([
    policyProxy.unknownStringValue,
    policyProxy.unknownNumberValue,
    policyProxy.unknownBooleanValue,
    policyProxy.unknownArrayValue,
    policyProxy.unknownObjectValue,
    policyProxy.unknownAssetValue,
    policyProxy.unknownArchiveValue,
]);

/** A policy read a value that is a secret; the message names the property, never a value. */
export class SecretValueError extends Error {
    constructor(readonly props: PropertyKey[]) {
        super(`value at .${props.map(String).join(".")} is a secret the offline tools cannot read`);
        this.name = "SecretValueError";
    }
}

/** One walk over every resource's props, allocation-free: it runs for each resource the pack evaluates. */
export function hasUnknownOrSecret(value: unknown): boolean {
    if (typeof value === "string") return value === SECRET || UNKNOWNS.has(value);
    if (value === null || typeof value !== "object") return UNKNOWNS.has(value);
    if (isSecretEnvelope(value)) return true;
    if (Array.isArray(value)) {
        for (const item of value) if (hasUnknownOrSecret(item)) return true;
        return false;
    }
    for (const key in value) if (hasUnknownOrSecret((value as Record<string, unknown>)[key])) return true;
    return false;
}

function proxy<T>(target: T, path: PropertyKey[]): T {
    if (!(target instanceof Object)) return target;
    return new Proxy(target as unknown as object, {
        get(obj, prop) {
            const field = (obj as Record<PropertyKey, unknown>)[prop];
            const at = [...path, prop];
            if (UNKNOWNS.has(field)) throw new policyProxy.UnknownValueError(field as string, at);
            if (field === SECRET) throw new SecretValueError(at);
            // A non-configurable, non-writable data property must be returned as is (Proxy invariant).
            const desc = Object.getOwnPropertyDescriptor(obj, prop);
            if (desc && "value" in desc && desc.configurable === false && desc.writable === false) return field;
            return proxy(field, at);
        },
    }) as T;
}

/** Props wrapped so that reading an unknown or a `[secret]` throws instead of judging a stand-in. */
export function checkingProxy<T extends object>(props: T): T {
    return proxy(props, []);
}
