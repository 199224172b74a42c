import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import { describeSyntaxError, JsonFileError, MAX_DEPTH, nestingDepth, readJsonFile } from "../tools/offline/readJson";
import { ToolResult } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { tempDir } from "./tempDirs";

const DOC = { deployment: { resources: [{ urn: "urn:pulumi:prod::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket" }] } };
let dir = "";
// Made for each run of the file (Stryker runs it again per mutant); tempDirs.ts removes it afterwards.
before(() => (dir = tempDir("read-json-")));

function file(name: string, bytes: Buffer | string): string {
    const full = path.join(dir, name);
    fs.writeFileSync(full, bytes);
    return full;
}

function utf16be(text: string): Buffer {
    const le = Buffer.from(text, "utf16le");
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
    return le;
}

function refusal(target: string): string {
    try {
        readJsonFile(target);
    } catch (error) {
        assert.ok(error instanceof JsonFileError, String(error));
        return error.message;
    }
    return assert.fail(`${target} was accepted`);
}

/** Printable: no control characters (the terminal must never receive raw input bytes). */
function assertPrintable(text: string): void {
    const control = [...text].find((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
    assert.strictEqual(control, undefined, `control character U+${control?.charCodeAt(0).toString(16)} in ${JSON.stringify(text)}`);
}

describe("reading JSON files", () => {
    const text = JSON.stringify(DOC, null, 2);

    it("accepts UTF-8 with a BOM and UTF-16 (LE and BE, with a BOM; LE without, as PowerShell 5 writes)", () => {
        for (const bytes of [
            Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
            Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
            Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]),
            Buffer.from(text, "utf16le"),
            utf16be(text),
        ])
            assert.deepStrictEqual(readJsonFile(file("ok.json", bytes)), DOC);
    });

    it("names gzip, zip, binary, empty and folder inputs in one printable line", () => {
        const cases: [string, RegExp][] = [
            [file("x.json.gz", gzipSync(text)), /^is gzip-compressed; decompress it first/],
            [file("x.zip", Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(20, 1)])), /^is a zip archive/],
            [file("bin.json", Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x00, 0x00, 0x7d])), /^is a binary file/],
            [file("latin1.json", Buffer.from([0x7b, 0x22, 0xe9, 0xff, 0x22, 0x7d, 0x0a])), /^is a binary file \(not valid UTF-8 text\)/],
            [file("empty.json", ""), /^is empty \(0 bytes\)/],
            [file("blank.json", " \n\t\n"), /^is empty \(or only whitespace\)/],
            [dir, /^is a folder; give the path of a JSON file$/],
            [path.join(dir, "missing.json"), /^does not exist$/],
        ];
        for (const [target, pattern] of cases) {
            const message = refusal(target);
            assert.match(message, pattern, target);
            assertPrintable(message);
            assert.ok(!message.includes("\n"));
        }
    });

    it("refuses nesting deeper than the walks can follow, without a stack overflow", () => {
        const deep = "[".repeat(200_000) + "]".repeat(200_000);
        assert.strictEqual(nestingDepth(deep), 200_000);
        assert.strictEqual(nestingDepth('{"a": "[[[[", "b": [{}]}'), 3);
        assert.match(refusal(file("deep.json", deep)), new RegExp(`^nests arrays or objects deeper than ${MAX_DEPTH} levels`));
        const justEnough = "[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH);
        assert.ok(Array.isArray(readJsonFile(file("ok-deep.json", justEnough))));
    });

    it("says where JSON is broken, and never echoes the input's bytes", () => {
        const secretish = '{"password": "hunter2\u0007\u001b[31m", oops}';
        const message = refusal(file("broken.json", secretish));
        assert.match(message, /^is not valid JSON: /);
        assertPrintable(message);
        assert.ok(!message.includes("hunter2"), message);
        assert.match(refusal(file("comma.json", '{\n  "a": 1,\n}')), /^is not valid JSON: Expected double-quoted property name at line 3, column 1$/);
        assert.match(refusal(file("cut.json", '{"a": [1, 2')), /ends before the JSON value is complete/);
    });

    it("turns V8's messages, including the ones that quote input, into words without it", () => {
        assert.strictEqual(describeSyntaxError(`Unexpected token '\u0007', "\u0007secret" is not valid JSON`, "\u0007secret"), "unexpected character U+0007");
        assert.strictEqual(describeSyntaxError(`Unexpected token 'o', "nope" is not valid JSON`, "nope"), "unexpected character 'o'");
        assert.strictEqual(
            describeSyntaxError("Unexpected non-whitespace character after JSON at position 8", '{"a":1}\n x'),
            "Unexpected non-whitespace character after JSON at line 2, column 1",
        );
        assert.strictEqual(describeSyntaxError('Something new about "secret" in JSON at position 3', "xxxx"), "the text is not JSON");
    });
});

describe("egress-remediation check on bad files (the command)", () => {
    let inputs: string[] = [];
    let runs: ToolResult[] = [];
    before(async function () {
        this.timeout(120_000);
        inputs = [
            file("c.gz", gzipSync("{}")),
            file("c.bin", Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x13, 0x37])),
            file("c-empty.json", ""),
            dir,
            file("c-deep.json", "[".repeat(50_000) + "]".repeat(50_000)),
            file("c-ctrl.json", '{"a": \u0000\u001b[2J}'),
        ];
        runs = await Promise.all(inputs.map((input) => runCliInProcess(["check", "--json", input])));
    });

    it("exits 2 with one printable line naming the file, nothing on stdout, never a stack trace", () => {
        runs.forEach((run, i) => {
            assert.strictEqual(run.status, 2, run.stderr);
            assert.strictEqual(run.stdout, "");
            const lines = run.stderr.trimEnd().split("\n");
            assert.strictEqual(lines.length, 1, run.stderr);
            assert.ok(lines[0].startsWith(`input ${inputs[i]} `), lines[0]);
            assertPrintable(lines[0]);
            assert.doesNotMatch(run.stderr, /\n\s+at |Maximum call stack/);
        });
    });

    it("a UTF-16 export with a BOM, as PowerShell's > writes it, is checked like any other", async function () {
        this.timeout(60_000);
        const utf16 = file("ps.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(DOC), "utf16le")]));
        const run = await runCliInProcess(["check", "--json", utf16]);
        assert.strictEqual(run.status, 0, run.stderr);
        assert.deepStrictEqual(JSON.parse(run.stdout), { resourcesChecked: 1, violations: [], notEvaluated: [] });
    });
});
