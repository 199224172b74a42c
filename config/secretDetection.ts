/**
 * Plain environment variables that look like secrets, by name or by value. Every finding says why
 * in words and never quotes the value: callers put the reason in an error line.
 */

/** Secret words that are safe to find inside a longer word (`APIKEY`, `DBPASSWORD`, `AUTHTOKEN`). */
const SECRET_PARTS = ["SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "CREDENTIAL", "PRIVATE", "APIKEY", "ACCESSKEY"];
/** Short secret words that only count as whole words: `PASS` in `DB_PASS`, not in `BYPASS` or `PASSENGER`. */
const SECRET_WORDS = ["KEY", "PASS", "PWD", "DSN", "CREDS", "CRED", "SALT"];
/** Connection strings that carry credentials even when this value happens not to. */
const CONNECTION_NAMES = /(^|_)(DATABASE|DB|POSTGRES|POSTGRESQL|PG|MYSQL|MONGO|MONGODB|REDIS|AMQP|RABBITMQ|BROKER)_(URL|URI)$|CONNECTION_?STRING/;

/** The words of a variable name: `apiKey`, `API_KEY`, `api-key` and `api.key` all give API, KEY. */
export function nameWords(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .toUpperCase()
        .split(/[^A-Z0-9]+/)
        .filter(Boolean);
}

/** Why a variable's name says it holds a secret, or undefined. */
export function secretNameReason(name: string): string | undefined {
    const words = nameWords(name);
    const upper = words.join("_");
    const part = SECRET_PARTS.find((p) => words.some((w) => w.includes(p)));
    if (part) return `its name contains ${part}`;
    const word = SECRET_WORDS.find((w) => words.includes(w));
    if (word) return `its name has the word ${word}`;
    if (CONNECTION_NAMES.test(upper)) return "its name is a connection string's, which carries credentials";
    return undefined;
}

/** Prefixes of credentials whose issuers publish their format. */
const TOKEN_PATTERNS: readonly (readonly [RegExp, string])[] = [
    [/^(AKIA|ASIA)[0-9A-Z]{16}$/, "an AWS access key id"],
    [/^gh[pousr]_[A-Za-z0-9]{30,}$|^github_pat_[A-Za-z0-9_]{40,}$/, "a GitHub token"],
    [/^xox[abpors]-[A-Za-z0-9-]{10,}$/, "a Slack token"],
    [/^[sr]k_(live|test)_[A-Za-z0-9]{16,}$/, "a Stripe key"],
    [/^SK[0-9a-f]{32}$/, "a Twilio API key"],
    [/^AIza[0-9A-Za-z_-]{35}$/, "a Google API key"],
    [/^SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}$/, "a SendGrid key"],
    [/^npm_[A-Za-z0-9]{36}$/, "an npm token"],
    [/^pul-[0-9a-f]{40}$/, "a Pulumi access token"],
    [/^sk-[A-Za-z0-9_-]{20,}$/, "an API secret key (sk-…)"],
    [/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/, "a JSON Web Token"],
    [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
];

/** `scheme://user:password@host`: a password in a URL's user info (the user may be empty). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:[^/?#@\s]+@/i;

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let bits = 0;
    for (const count of counts.values()) {
        const p = count / text.length;
        bits -= p * Math.log2(p);
    }
    return bits;
}

/** `subnet-0c3e9b306737c3fb2`, `sg-…`, `vpc-…`: random hex, but identifiers AWS shows to anyone with read access. */
const AWS_RESOURCE_ID = /^[a-z]+(-[a-z]+)?-[0-9a-f]{8,17}$/;

/** Shortest run of token characters judged by entropy: shorter random strings are rare as credentials. */
export const MIN_RANDOM_LENGTH = 20;
/** Entropy as a share of the most a string of that length and alphabet could have. */
export const MIN_ENTROPY_RATIO = 0.85;

/**
 * A random-looking token: only characters of base64/hex tokens, at least MIN_RANDOM_LENGTH of them,
 * letters and digits mixed, and close to the highest entropy its length allows. Slugs, words,
 * ARNs, URLs and paths do not qualify.
 */
export function looksRandom(value: string): boolean {
    if (value.length < MIN_RANDOM_LENGTH || !/^[A-Za-z0-9+/=_-]+$/.test(value)) return false;
    if (AWS_RESOURCE_ID.test(value)) return false;
    if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
    const alphabet = /^[0-9a-fA-F]+$/.test(value) ? 16 : 64;
    return shannonEntropy(value) / Math.log2(Math.min(value.length, alphabet)) >= MIN_ENTROPY_RATIO;
}

/** Why a value is a credential whatever its name: never overridable. */
export function credentialValueReason(value: string): string | undefined {
    if (URL_WITH_PASSWORD.test(value)) return "its value is a URL with a password";
    const token = TOKEN_PATTERNS.find(([pattern]) => pattern.test(value));
    return token ? `its value has the format of ${token[1]}` : undefined;
}

/** Whatever its name: a credential's format, a URL with a password, or a random-looking token. */
export function looksLikeSecretValue(value: string): boolean {
    return credentialValueReason(value) !== undefined || looksRandom(value);
}

/**
 * Why a plain variable looks like a secret, or undefined. `notSecret` lists names the team has
 * declared plain (a git SHA, a public key id); it overrides the name and entropy checks, never a
 * password in a URL or a known credential format.
 */
export function secretLookingReason(name: string, value: string, notSecret: readonly string[] = []): string | undefined {
    const credential = credentialValueReason(value);
    if (credential) return credential;
    if (notSecret.includes(name)) return undefined;
    return secretNameReason(name) ?? (looksRandom(value) ? "its value is a long random-looking string" : undefined);
}
