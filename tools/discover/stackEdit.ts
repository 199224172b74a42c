import { Document, isMap, isScalar, isSeq, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { isDeepStrictEqual } from "util";
import { PROJECT } from "../../config/validate";
import { DiscoverError } from "./aws";
import { Change, keyOf, LeftOpen, SecretToCreate } from "./findings";

const NOTE = "discover:";
const FROM = `${NOTE} from `;
const NOT_COPIED = `${NOTE} not copied `;

export interface AppliedChange extends Change {
    readonly before: unknown;
}

export function parseStackText(text: string, file: string): Document {
    const doc = parseDocument(text, { keepSourceTokens: false });
    if (doc.errors.length > 0) throw new DiscoverError(`cannot parse ${file}: ${doc.errors[0].message.split("\n")[0].replace(/:$/, "")}`);
    if (!isMap(doc.getIn(["config"]))) throw new DiscoverError(`${file} has no config: map`);
    return doc;
}

function keyName(pair: Pair): unknown {
    return isScalar(pair.key) ? pair.key.value : pair.key;
}

/** Drops earlier notes of one kind (`discover: from …`) from a comment, leaving every other line as it was. */
function withoutNotes(comment: string | null | undefined, kind: string): string {
    return (comment ?? "")
        .split("\n")
        .filter((line) => !line.trimStart().startsWith(kind))
        .join("\n");
}

/** Puts a note in a comment: in place of an earlier note of the same kind, else as the last line. */
function withNote(comment: string | null | undefined, note: string): string {
    const kind = note.startsWith(FROM) ? FROM : NOT_COPIED;
    const lines = comment ? comment.split("\n") : [];
    const at = lines.findIndex((line) => line.trimStart().startsWith(kind));
    if (at < 0) return [...lines, ` ${note}`].join("\n");
    return [...lines.slice(0, at), ` ${note}`, ...lines.slice(at + 1).filter((line) => !line.trimStart().startsWith(kind))].join("\n");
}

/**
 * Notes a pair's source on its key. A note above a map's first key is read back as the map's
 * own comment, so an earlier note there is dropped too.
 */
function noteOnKey(doc: Document, map: YAMLMap, pair: Pair, note: string): void {
    if (map.items[0] === pair && map.commentBefore) map.commentBefore = withoutNotes(map.commentBefore, FROM) || null;
    if (!isScalar(pair.key)) pair.key = doc.createNode(pair.key);
    (pair.key as Scalar).commentBefore = withNote((pair.key as Scalar).commentBefore, note);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

const jsonOf = (node: unknown): unknown => (node && typeof node === "object" && "toJSON" in node ? (node as { toJSON(): unknown }).toJSON() : node);

/**
 * Makes `map` hold `value` while keeping what a person wrote in it: its pairs stay in their order
 * with their comments, a changed scalar keeps its quoting, new keys go at the end, and the comment
 * above a key that goes away moves to the key after it.
 */
function mergeInto(doc: Document, map: YAMLMap, value: Record<string, unknown>): void {
    const kept: Pair[] = [];
    let orphaned: string | null | undefined;
    for (const pair of map.items as Pair[]) {
        const name = keyName(pair);
        if (typeof name === "string" && Object.hasOwn(value, name)) {
            if (orphaned) {
                if (!isScalar(pair.key)) pair.key = doc.createNode(pair.key);
                (pair.key as Scalar).commentBefore = [orphaned, (pair.key as Scalar).commentBefore].filter(Boolean).join("\n");
                orphaned = undefined;
            }
            kept.push(pair);
        } else if (isScalar(pair.key) && pair.key.commentBefore) {
            orphaned = [orphaned, pair.key.commentBefore].filter(Boolean).join("\n");
        }
    }
    if (orphaned) map.comment = [map.comment, orphaned].filter(Boolean).join("\n");
    map.items = kept;
    for (const [name, wanted] of Object.entries(value)) {
        const pair = map.items.find((p) => keyName(p) === name) as Pair | undefined;
        if (!pair) map.items.push(doc.createPair(name, wanted));
        else if (isMap(pair.value) && isPlainObject(wanted)) mergeInto(doc, pair.value, wanted);
        else if (isDeepStrictEqual(jsonOf(pair.value), wanted)) continue;
        else if (isScalar(pair.value) && (wanted === null || typeof wanted !== "object")) pair.value.value = wanted;
        else pair.value = doc.createNode(wanted);
    }
}

/**
 * Sets `path` under the part's map, creating missing maps, and returns the pair whose key gets
 * the source note (the existing pair for a key that is there, the new outermost pair otherwise)
 * with the map holding it. A map that is there is edited in place (see `mergeInto`).
 */
function setAt(doc: Document, map: YAMLMap, path: readonly (string | number)[], value: unknown): { map: YAMLMap; pair: Pair } {
    const [head, ...rest] = path;
    const pair = map.items.find((p) => keyName(p) === head) as Pair | undefined;
    if (rest.length === 0 && pair && isMap(pair.value) && isPlainObject(value)) {
        mergeInto(doc, pair.value, value);
        return { map, pair };
    }
    if (rest.length === 0 || !pair || !isMap(pair.value)) {
        const nested = rest.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
        if (pair) {
            pair.value = doc.createNode(nested);
            return { map, pair };
        }
        const created = doc.createPair(head, nested);
        map.items.push(created);
        return { map, pair: created };
    }
    return setAt(doc, pair.value, rest, value);
}

function partMap(doc: Document, part: string): YAMLMap {
    const node = doc.getIn(["config", `${PROJECT}:${part}`]);
    if (!isMap(node)) throw new DiscoverError(`the stack file has no ${PROJECT}:${part} map to write into`);
    return node;
}

/** The changes whose value differs from the file's, applied to `doc`, each key annotated with its source. */
export function applyChanges(doc: Document, changes: readonly Change[]): AppliedChange[] {
    const applied: AppliedChange[] = [];
    for (const change of changes) {
        const map = partMap(doc, change.part);
        const before = jsonOf(map.getIn(change.path as (string | number)[]));
        if (isDeepStrictEqual(before, change.value)) continue;
        const at = setAt(doc, map, change.path, change.value);
        noteOnKey(doc, at.map, at.pair, `${FROM}${change.source}`);
        applied.push({ ...change, before });
    }
    return applied;
}

/** Drops the `unverified` entries discover confirmed; removes the list when it ends up empty. Returns the keys dropped. */
export function dropUnverified(doc: Document, confirmed: readonly string[]): string[] {
    const path = ["config", `${PROJECT}:unverified`];
    const list = doc.getIn(path);
    if (!isSeq(list)) return [];
    const keyOf = (item: unknown) => (isMap(item) ? String(item.get("key")) : "");
    const dropped = list.items.map(keyOf).filter((key) => confirmed.includes(key));
    list.items = list.items.filter((item) => !dropped.includes(keyOf(item)));
    if (list.items.length === 0) doc.deleteIn(path);
    return dropped;
}

/**
 * Keeps an `unverified` entry for each key discover left open, its reason saying what is still
 * missing; adds the entry (and the list) when the file has none.
 */
export function keepOpen(doc: Document, open: readonly LeftOpen[]): void {
    const path = ["config", `${PROJECT}:unverified`];
    if (open.length === 0) return;
    if (!isSeq(doc.getIn(path))) doc.setIn(path, doc.createNode([]));
    const list = doc.getIn(path) as YAMLSeq;
    for (const entry of open) {
        const item = list.items.find((i) => isMap(i) && i.get("key") === entry.key) as YAMLMap | undefined;
        if (item) item.set("reason", entry.reason);
        else list.items.push(doc.createNode({ key: entry.key, reason: entry.reason, confirm: entry.confirm }));
    }
}

/** Names of secret-looking live variables go under `secrets` as a note: never their values. */
export function noteSecretsToCreate(doc: Document, secrets: readonly SecretToCreate[]): void {
    const byMap = new Map<string, SecretToCreate[]>();
    for (const s of secrets) byMap.set(keyOf(s.part, s.secretsPath), [...(byMap.get(keyOf(s.part, s.secretsPath)) ?? []), s]);
    for (const group of byMap.values()) {
        const { part, secretsPath } = group[0];
        const map = partMap(doc, part);
        if (!isMap(map.getIn(secretsPath as string[]))) setAt(doc, map, secretsPath, {});
        const secretsMap = map.getIn(secretsPath as string[]) as YAMLMap;
        const names = group.map((s) => s.name).sort();
        const note = `${NOT_COPIED}(they look secret): ${names.join(", ")}; create a Secrets Manager secret for each and add NAME: <its full ARN> here`;
        if (secretsMap.items.length > 0) {
            secretsMap.commentBefore = withNote(secretsMap.commentBefore, note);
        } else {
            const parentPath = secretsPath.slice(0, -1);
            const parent = parentPath.length ? (map.getIn(parentPath as string[]) as YAMLMap) : map;
            const pair = parent.items.find((p) => keyName(p) === secretsPath[secretsPath.length - 1]) as Pair;
            if (!isScalar(pair.key)) pair.key = doc.createNode(pair.key);
            (pair.key as Scalar).commentBefore = withNote((pair.key as Scalar).commentBefore, note);
        }
    }
}
