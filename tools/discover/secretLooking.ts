/**
 * Whether a plain environment variable looks like it carries a secret, by its name or its value.
 * Discover never writes such a value into the stack file; the program's schema refuses the same
 * names in `env`, so everything it would refuse is caught here first.
 */
const SECRET_NAME_PARTS = new Set([
    "SECRET",
    "SECRETS",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "TOKEN",
    "TOKENS",
    "KEY",
    "KEYS",
    "APIKEY",
    "DSN",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATE",
    "AUTH",
    "SIGNING",
    "SALT",
    "CERT",
]);
/** Names the stack schema refuses in `env` (config/schema.ts), whatever their parts. */
const SCHEMA_REFUSED = /SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL/i;
const TOKEN_PREFIXES =
    /^(AKIA|ASIA)[A-Z0-9]{16}$|^(sk|rk|pk)_(live|test)_|^gh[pousr]_|^github_pat_|^xox[abposr]-|^SG\.[\w-]{16,}\.|^AIza[\w-]{30,}|^-----BEGIN /;

function nameLooksSecret(name: string): boolean {
    if (SCHEMA_REFUSED.test(name)) return true;
    return name
        .toUpperCase()
        .split(/[^A-Z0-9]+/)
        .some((part) => SECRET_NAME_PARTS.has(part));
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let bits = 0;
    for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
    return bits;
}

function valueLooksSecret(value: string): boolean {
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i.test(value)) return true; // user:password@ in a URL
    if (TOKEN_PREFIXES.test(value)) return true;
    // Long random-looking strings: long hex, or mixed case with digits and high entropy. Host
    // names and URLs (lowercase, dotted) stay plain.
    if (value.length < 24 || /\s/.test(value) || value.includes("://")) return false;
    if (/^[0-9a-f]{32,}$/i.test(value)) return true;
    return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value) && entropy(value) >= 4;
}

export function looksSecret(name: string, value: string): boolean {
    return nameLooksSecret(name) || valueLooksSecret(value);
}
