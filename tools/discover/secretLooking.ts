import { credentialValueReason, looksRandom, nameWords, secretLookingReason } from "../../config/secretDetection";

/**
 * Name words discover treats as secret on top of what the stack schema refuses: discover copies
 * live values into a file people commit, so it errs further on the side of leaving a value out.
 */
const DISCOVER_ONLY_WORDS = new Set(["AUTH", "SIGNING", "CERT", "KEYS", "TOKENS", "SECRETS", "CREDENTIALS"]);

/**
 * Why a plain `name = value` looks like it carries a secret, by its name or its value, or
 * undefined. It starts from the detector the stack schema uses (config/secretDetection.ts), so
 * discover never writes a value the program would refuse. The reason never quotes the value.
 */
export function secretReason(name: string, value: string): string | undefined {
    const reason = secretLookingReason(name, value);
    if (reason !== undefined) return reason;
    const word = nameWords(name).find((w) => DISCOVER_ONLY_WORDS.has(w));
    return word ? `its name has the word ${word}` : undefined;
}

/** Whether a plain environment variable looks like it carries a secret, by its name or its value. */
export function looksSecret(name: string, value: string): boolean {
    return secretReason(name, value) !== undefined;
}

/** One argument of a command that looks like it carries a secret: where, and why (never the value). */
export interface SecretArgument {
    /** 0-based index in the command array. */
    readonly index: number;
    readonly reason: string;
}

/** A shell variable standing for the value (`$DB_PASSWORD`, `${TOKEN}`): a reference, not the secret. */
const VARIABLE_REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;
/** `NAME=value`, `--flag=value`, `-f=value`. */
const ASSIGNMENT = /^(-{0,2})([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s;
/** `--db-password` or `-p` standing alone: its value is the next word. */
const FLAG = /^-{1,2}([A-Za-z][A-Za-z0-9_.-]*)$/;

/** HTTP authorization schemes: the word after one is a credential (`-H "Authorization: Bearer …"`). */
const AUTH_SCHEME = /^(Bearer|Basic|Token)$/i;

/** Why one word (a whole argument, or one part of a shell string) looks secret, given the word before it. */
function wordReason(word: string, previous: string | undefined): string | undefined {
    const assignment = ASSIGNMENT.exec(word);
    if (assignment) {
        const [, dashes, name, value] = assignment;
        if (VARIABLE_REFERENCE.test(value)) return undefined;
        const reason = secretReason(name, value);
        return reason ? `${dashes ? "a --flag=value part" : "a NAME=value part"} where ${reason}` : undefined;
    }
    const credential = credentialValueReason(word);
    if (credential) return credential;
    if (looksRandom(word)) return "its value is a long random-looking string";
    if (previous === undefined || FLAG.test(word) || VARIABLE_REFERENCE.test(word)) return undefined;
    if (AUTH_SCHEME.test(previous)) return `it follows the authorization scheme ${previous}`;
    const flag = FLAG.exec(previous);
    const reason = flag ? secretReason(flag[1], "") : undefined;
    return reason ? `it follows the flag ${previous}, where ${reason}` : undefined;
}

/**
 * The arguments of a container command that look like they carry a secret. Each argument is
 * judged whole and word by word (so `sh -c "TOKEN=… app"` is caught): a credential format, a
 * random-looking token, a `NAME=value` or `--flag=value` whose name or value looks secret, or the
 * value after a secret-named flag (`--db-password …`) or an HTTP authorization scheme (`Bearer …`).
 */
export function secretArguments(command: readonly string[]): SecretArgument[] {
    const found: SecretArgument[] = [];
    let previous: string | undefined;
    command.forEach((argument, index) => {
        let reason = credentialValueReason(argument);
        // Shell separators and quotes split a `sh -c` string into the words the shell would see.
        for (const word of argument.split(/[\s;&|'"`()<>]+/).filter(Boolean)) {
            reason ??= wordReason(word, previous);
            previous = word;
        }
        if (reason) found.push({ index, reason });
    });
    return found;
}

/** `command[2] (a NAME=value part where its name contains TOKEN)`: a line part that never quotes an argument. */
export function describeSecretArguments(found: readonly SecretArgument[]): string {
    return found.map((f) => `command[${f.index}] (${f.reason})`).join(", ");
}
