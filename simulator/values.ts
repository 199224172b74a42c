/** The engine's wire forms that reach a provider: secrets as signed objects, preview unknowns as a sentinel. */
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecret(value: unknown): boolean {
    return !!value && typeof value === "object" && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

export function secret(value: unknown): unknown {
    return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** The value with every secret wrapper removed: what AWS itself receives. */
export function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIGNATURE_KEY] === SECRET_SIGNATURE) return plain(record.value);
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

export function plainRecord(value: Record<string, unknown>): Record<string, any> {
    return plain(value) as Record<string, any>;
}

export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** Parses a JSON document input (IAM policies, container definitions); AWS rejects one that is not JSON. */
export function parseJsonInput(value: unknown): any {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}
