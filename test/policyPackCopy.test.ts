import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TYPES } from "../policies/lib/resourceTypes";

const REPO = path.resolve(__dirname, "..");
const PACK = path.join(REPO, "policies");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

/** Each TypeScript file of the pack: its folder, its path and its text. */
function packSources(): { dir: string; file: string; text: string }[] {
    return fs
        .readdirSync(PACK, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
        .map((entry) => {
            const file = path.join(entry.parentPath, entry.name);
            return { dir: entry.parentPath, file, text: fs.readFileSync(file, "utf8") };
        });
}

/** Every package a file of the pack imports or requires (bare specifiers only). */
function importedPackages(): Set<string> {
    const found = new Set<string>();
    for (const { text } of packSources()) {
        for (const [, spec] of text.matchAll(/(?:from |require\()"([^".][^"]*)"/g)) {
            found.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
        }
    }
    return found;
}

describe("policy pack, self-contained (a copy of policies/ alone, as `pulumi policy publish` ships it)", () => {
    it("declares every package it imports, plus the compiler the Node host needs, at the repository's versions", () => {
        const pack = readJson(path.join(PACK, "package.json"));
        const root = readJson(path.join(REPO, "package.json"));
        const rootVersions = { ...root.dependencies, ...root.devDependencies };
        // run-policy-pack type-checks the pack with ts-node and the pack's typescript (else a vendored 3.8);
        // @pulumi/pulumi is pinned to the program's version rather than left to @pulumi/policy's range.
        const needed = new Set([...importedPackages(), "@pulumi/pulumi", "typescript", "ts-node", "@types/node"]);
        assert.deepStrictEqual(Object.keys(pack.dependencies).sort(), [...needed].sort());
        for (const [name, version] of Object.entries(pack.dependencies)) assert.strictEqual(version, rootVersions[name], name);
        assert.match(pack.version, /^\d+\.\d+\.\d+$/, "the PolicyPack constructor needs a version");
    });

    it("has a tsconfig with its own compilerOptions and no extends, which npm test's type-check uses for the pack", () => {
        const tsconfig = readJson(path.join(PACK, "tsconfig.json"));
        assert.strictEqual(tsconfig.extends, undefined);
        assert.strictEqual(tsconfig.compilerOptions.strict, true);
        const check = readJson(path.join(REPO, "tsconfig.policies.json"));
        assert.strictEqual(check.extends, "./policies/tsconfig.json");
        assert.deepStrictEqual(Object.keys(check.compilerOptions).sort(), ["incremental", "noEmit", "tsBuildInfoFile"], "only what a check adds");
        assert.deepStrictEqual(check.include, ["policies/**/*.ts"]);
    });

    it("imports no file outside policies/ (the type-check resolves them in place; the published pack would not)", () => {
        for (const { dir, file, text } of packSources()) {
            for (const [, spec] of text.matchAll(/(?:from |require\(|import\(|import |reference path=)"(\.[^"]*)"/g)) {
                assert.ok(path.resolve(dir, spec).startsWith(PACK + path.sep), `${path.relative(REPO, file)} imports ${spec}`);
            }
        }
    });

    it("loads and evaluates in a temporary folder holding nothing but the pack", function () {
        this.timeout(180_000);
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
        try {
            const copy = path.join(tmp, "policies");
            fs.cpSync(PACK, copy, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
            // The pack's dependencies are the repository's, at the same versions (first test), so the
            // installed tree stands in for `npm install` in the copy without network or minutes of install.
            fs.symlinkSync(path.join(REPO, "node_modules"), path.join(copy, "node_modules"), "dir");
            const urn = (name: string, type: string) => `urn:pulumi:prod::egress-remediation::${type}::${name}`;
            const resources = [
                {
                    type: TYPES.securityGroup,
                    name: "rds",
                    urn: urn("rds", TYPES.securityGroup),
                    props: { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }] },
                    opts: { protect: false },
                },
                { type: TYPES.logGroup, name: "logs", urn: urn("logs", TYPES.logGroup), props: { retentionInDays: 30 }, opts: { protect: false } },
            ];
            const out = execFileSync(process.execPath, [path.join(__dirname, "packCopy", "evaluateInCopy.js"), JSON.stringify(resources)], {
                cwd: copy,
                encoding: "utf8",
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "", TS_NODE_PROJECT: "" },
            });
            const result = JSON.parse(out);
            assert.ok(result.policyNames.includes("no-world-open-database-ingress"));
            assert.deepStrictEqual(
                result.violations.map((v: { policy: string }) => v.policy),
                ["no-world-open-database-ingress"],
            );
            assert.match(result.violations[0].message, /opens database port 5432 \(PostgreSQL\) to the whole internet/);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
