import * as fs from "fs";

/** A file the tools cannot use as JSON; the message is one printable line and never quotes the file's bytes. */
export class JsonFileError extends Error {}

/** Deeper than this, the recursive walks over resources would overflow the stack; no real export comes close. */
export const MAX_DEPTH = 1000;

/** Text of a file saved by any common editor or shell: UTF-8 (with or without BOM) or UTF-16 (PowerShell's `>`). */
export function decodeText(bytes: Buffer): string {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3));
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes.subarray(2), "utf-16le");
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes.subarray(2), "utf-16be");
    // UTF-16 without a BOM: JSON starts with an ASCII character, so one of the first two bytes is zero.
    if (bytes.length >= 2 && bytes.length % 2 === 0 && bytes[0] !== 0 && bytes[1] === 0) return utf16(bytes, "utf-16le");
    if (bytes.length >= 2 && bytes.length % 2 === 0 && bytes[0] === 0 && bytes[1] !== 0) return utf16(bytes, "utf-16be");
    return utf8(bytes);
}

function utf8(bytes: Buffer): string {
    const text = strictDecode(bytes, "utf-8");
    if (text.includes("\0")) throw new JsonFileError("is a binary file (it contains NUL bytes), not JSON text");
    return text;
}

function utf16(bytes: Buffer, encoding: "utf-16le" | "utf-16be"): string {
    return strictDecode(bytes, encoding);
}

function strictDecode(bytes: Buffer, encoding: string): string {
    try {
        return new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
        throw new JsonFileError(`is a binary file (not valid ${encoding.toUpperCase()} text), not JSON`);
    }
}

/** What the first bytes say a non-text file is, for the one-line message. */
function knownBinaryKind(bytes: Buffer): string | undefined {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "is gzip-compressed; decompress it first (gunzip -k FILE)";
    if (bytes.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))) return "is a zip archive; extract the JSON file from it first";
    if (bytes.subarray(0, 3).equals(Buffer.from("BZh", "latin1"))) return "is bzip2-compressed; decompress it first";
    if (bytes.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return "is xz-compressed; decompress it first";
    return undefined;
}

/** Nesting depth of a JSON text, counted without recursion and ignoring brackets inside strings. */
export function nestingDepth(text: string): number {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c) i++;
            else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
        else if (c === 0x5d || c === 0x7d) depth--;
    }
    return deepest;
}

function lineAndColumn(text: string, position: number): string {
    const before = text.slice(0, position);
    const line = before.split("\n").length;
    return `line ${line}, column ${position - before.lastIndexOf("\n")}`;
}

/**
 * Why JSON.parse refused `text`, in words that never include the input: V8 quotes a snippet of the
 * input in some messages, and that snippet may hold control characters or a secret.
 */
export function describeSyntaxError(message: string, text: string): string {
    const at = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
    if (at && Number(at[2]) >= text.length) return "it ends before the JSON value is complete";
    if (at && !at[1].includes('"')) return `${at[1].replace(/'.'/g, (quoted) => printable(quoted[1]))} at ${lineAndColumn(text, Number(at[2]))}`;
    const token = /^Unexpected token '(.)'/su.exec(message);
    if (token) return `unexpected character ${printable(token[1])}`;
    if (/Unexpected end of JSON input/.test(message)) return "it ends before the JSON value is complete";
    return "the text is not JSON";
}

function printable(char: string): string {
    const code = char.codePointAt(0)!;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    return code >= 0x20 && code < 0x7f ? `'${char}'` : hex;
}

/** Parses JSON text with every failure turned into a one-line reason (see describeSyntaxError). */
export function parseJsonText(text: string): unknown {
    if (text.trim() === "") throw new JsonFileError("is empty (or only whitespace); expected a JSON document");
    if (/^\s*> \S+@\S+ /.test(text))
        throw new JsonFileError("starts with npm's banner (`> package@version script`), not JSON: write the JSON with --out <file>, or run npm run --silent");
    if (nestingDepth(text) > MAX_DEPTH) throw new JsonFileError(`nests arrays or objects deeper than ${MAX_DEPTH} levels; no Pulumi document does`);
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new JsonFileError(`is not valid JSON: ${describeSyntaxError((error as Error).message, text)}`);
    }
}

/** Reads and parses a JSON file; every problem is a JsonFileError whose message follows the path. */
export function readJsonFile(path: string): unknown {
    let bytes: Buffer;
    try {
        if (fs.statSync(path).isDirectory()) throw new JsonFileError("is a folder; give the path of a JSON file");
        bytes = fs.readFileSync(path);
    } catch (error) {
        if (error instanceof JsonFileError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new JsonFileError(code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "unknown error"})`);
    }
    if (bytes.length === 0) throw new JsonFileError("is empty (0 bytes); expected a JSON document");
    const kind = knownBinaryKind(bytes);
    if (kind) throw new JsonFileError(kind);
    return parseJsonText(decodeText(bytes));
}
