import { nameWords, secretLookingReason } from "../../config/secretDetection";

/**
 * Name words discover treats as secret on top of what the stack schema refuses: discover copies
 * live values into a file people commit, so it errs further on the side of leaving a value out.
 */
const DISCOVER_ONLY_WORDS = new Set(["AUTH", "SIGNING", "CERT", "KEYS", "TOKENS", "SECRETS", "CREDENTIALS"]);

/**
 * Whether a plain environment variable looks like it carries a secret, by its name or its value.
 * It starts from the detector the stack schema uses (config/secretDetection.ts), so discover never
 * writes a value the program would refuse.
 */
export function looksSecret(name: string, value: string): boolean {
    if (secretLookingReason(name, value) !== undefined) return true;
    return nameWords(name).some((word) => DISCOVER_ONLY_WORDS.has(word));
}
