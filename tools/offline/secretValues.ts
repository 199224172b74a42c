/**
 * Secret values as the offline tools meet them, and the one stand-in they print instead.
 * A secret arrives as the SDK's envelope (`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", …}`)
 * holding `value` (mocks), `plaintext` (`pulumi stack export --show-secrets`) or `ciphertext`
 * (`pulumi stack export`), or as the string `[secret]` (`pulumi preview --json`, the offline plan).
 */

export const SECRET = "[secret]";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretEnvelope(value: unknown): boolean {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** A copy with every secret envelope replaced by `[secret]`: what any output of these tools may hold. */
export function redactSecrets(value: unknown): unknown {
    if (isSecretEnvelope(value)) return SECRET;
    if (Array.isArray(value)) return value.map(redactSecrets);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
    return value;
}
