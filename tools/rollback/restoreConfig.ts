import * as fs from "fs";
import { isMap, parseDocument } from "yaml";
import { diffConfig, RollbackRefused, sameValue, UNDECRYPTABLE } from "./planRollback";
import { StackConfigMap, StackOperations } from "./stackOperations";

function structured(value: string): unknown {
    if (!/^\s*[[{]/.test(value)) return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/**
 * Makes the worktree's stack file hold exactly `target` (the config the target update recorded).
 * Usually nothing is written: an update from a clean checkout ran with that commit's stack file.
 * Plain values and removals are edited into the YAML (comments kept); secrets go through the CLI,
 * which encrypts them with the stack's secrets provider, the value on its stdin. Returns the keys
 * it rewrote, and refuses when the file still differs afterwards (for example ESC-provided keys).
 */
export async function restoreConfig(stack: StackOperations, stackFile: string, target: StackConfigMap, version: number): Promise<string[]> {
    const unreadable = Object.keys(target).filter((key) => target[key].secret && target[key].value === UNDECRYPTABLE);
    if (unreadable.length > 0) {
        throw new RollbackRefused(
            `update ${version}'s secret config ${unreadable.join(", ")} cannot be decrypted with the stack's current secrets provider; restore it by hand with \`pulumi config set --secret\``,
        );
    }
    const present = await stack.stackFileConfig();
    const differing = Object.keys(target).filter((key) => !present[key] || !sameValue(present[key], target[key]));
    const extra = Object.keys(present).filter((key) => !(key in target));
    if (differing.length === 0 && extra.length === 0) return [];

    const plain = differing.filter((key) => !target[key].secret);
    if (plain.length > 0 || extra.length > 0) {
        const doc = parseDocument(fs.existsSync(stackFile) ? fs.readFileSync(stackFile, "utf8") : "config: {}\n");
        // A stack file may have no `config:` (only `encryptionsalt:`) or an empty one; a plain `{}` is no YAML node setIn can descend into.
        if (!isMap(doc.get("config"))) doc.set("config", doc.createNode({}));
        for (const key of extra) doc.deleteIn(["config", key]);
        for (const key of plain) doc.setIn(["config", key], structured(target[key].value));
        fs.writeFileSync(stackFile, doc.toString());
    }
    for (const key of differing.filter((k) => target[k].secret)) await stack.setSecret(key, target[key].value);

    const left = diffConfig(await stack.stackFileConfig(), target);
    if (left.length > 0) {
        throw new RollbackRefused(
            `the stack file cannot be made to hold update ${version}'s config; still different: ${left.map((c) => c.key).join(", ")} (set outside the stack file, e.g. by an ESC environment?)`,
        );
    }
    return [...differing, ...extra].sort();
}
