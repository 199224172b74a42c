import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RollbackRefused, UNDECRYPTABLE } from "../tools/rollback/planRollback";
import { restoreConfig } from "../tools/rollback/restoreConfig";
import { StackConfigMap } from "../tools/rollback/stackOperations";
import { encrypt, FakeStack, stackFileConfigOf } from "./fakeStack";

/** restoreConfig on a stack file in a temporary folder, through the fake stack's config and secrets (no git, no CLI). */
describe("restoring the target update's config into the stack file", () => {
    let dir: string;
    let stack: FakeStack;
    const file = () => path.join(dir, "Pulumi.prod.yaml");
    const text = () => fs.readFileSync(file(), "utf8");

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "restore-config-"));
        stack = new FakeStack([]);
        stack.workDir = dir;
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function refusal(target: StackConfigMap): Promise<string> {
        try {
            await restoreConfig(stack, file(), target, 4);
        } catch (error) {
            assert.ok(error instanceof RollbackRefused, `expected a refusal, got ${(error as Error).stack}`);
            return error.message;
        }
        return assert.fail("not refused");
    }

    it("writes nothing when the file already holds the config, however its JSON is spelled", async () => {
        const original = `# reviewed\nconfig:\n  aws:region:   us-east-1\n  app:settings:\n    b: 2\n    a: 1\n  app:token:\n    secure: ${encrypt("t0k")}\n`;
        fs.writeFileSync(file(), original);
        const target = { "aws:region": { value: "us-east-1" }, "app:settings": { value: '{"a":1,"b":2}' }, "app:token": { value: "t0k", secret: true } };
        assert.deepStrictEqual(await restoreConfig(stack, file(), target, 4), []);
        assert.strictEqual(text(), original);
        assert.deepStrictEqual(stack.calls, []);
    });

    it("edits plain values and removals into the YAML, keeping comments, structured values as YAML", async () => {
        fs.writeFileSync(file(), "# owned by platform\nconfig:\n  aws:region: eu-west-1 # moved\n  app:added-later: x\n  app:kept: same\n");
        const target = {
            "aws:region": { value: "us-east-1" },
            "app:kept": { value: "same" },
            "app:service": { value: '{"image":"app:v19","ports":[8080]}' },
            "app:note": { value: "{not json" },
        };
        assert.deepStrictEqual(await restoreConfig(stack, file(), target, 4), ["app:added-later", "app:note", "app:service", "aws:region"]);
        const written = text();
        assert.match(written, /^# owned by platform\n/);
        assert.match(written, /aws:region: us-east-1/);
        assert.doesNotMatch(written, /added-later/);
        assert.match(written, /app:service:\n {4}image: app:v19\n {4}ports:\n {6}- 8080\n/);
        assert.match(written, /app:note: "\{not json"/);
        assert.deepStrictEqual(stackFileConfigOf(written)["app:note"], { value: "{not json" });
        assert.deepStrictEqual(stack.calls, [], "no secret was set");
    });

    it("creates the config section when the stack file has none or an empty one, and the file when it is missing", async () => {
        fs.writeFileSync(file(), "secretsprovider: passphrase\n");
        assert.deepStrictEqual(await restoreConfig(stack, file(), { "aws:region": { value: "us-east-1" } }, 4), ["aws:region"]);
        assert.strictEqual(text(), "secretsprovider: passphrase\nconfig:\n  aws:region: us-east-1\n");
        fs.writeFileSync(file(), "encryptionsalt: v1:abc\nconfig:\n");
        assert.deepStrictEqual(await restoreConfig(stack, file(), { "aws:region": { value: "us-east-1" } }, 4), ["aws:region"]);
        assert.strictEqual(text(), "encryptionsalt: v1:abc\nconfig:\n  aws:region: us-east-1\n");
        fs.rmSync(file());
        assert.deepStrictEqual(await restoreConfig(stack, file(), { "aws:region": { value: "us-east-1" } }, 4), ["aws:region"]);
        assert.deepStrictEqual(stackFileConfigOf(text()), { "aws:region": { value: "us-east-1" } });
    });

    it("sets only the secrets that differ, through the stack (encrypted), never into the YAML as plaintext", async () => {
        fs.writeFileSync(file(), `config:\n  app:same:\n    secure: ${encrypt("s1")}\n  app:rotated:\n    secure: ${encrypt("old")}\n`);
        const target = {
            "app:same": { value: "s1", secret: true },
            "app:rotated": { value: "new-S3CR3T", secret: true },
            "app:fresh": { value: "f", secret: true },
        };
        assert.deepStrictEqual(await restoreConfig(stack, file(), target, 4), ["app:fresh", "app:rotated"]);
        assert.deepStrictEqual(stack.calls, ["setSecret(app:rotated)", "setSecret(app:fresh)"]);
        assert.doesNotMatch(text(), /new-S3CR3T/);
        assert.deepStrictEqual(stackFileConfigOf(text()), target);
    });

    it("a plain value that becomes secret goes through the stack, not into the YAML", async () => {
        fs.writeFileSync(file(), "config:\n  app:key: plain-before\n");
        assert.deepStrictEqual(await restoreConfig(stack, file(), { "app:key": { value: "plain-before", secret: true } }, 4), ["app:key"]);
        assert.deepStrictEqual(stack.calls, ["setSecret(app:key)"]);
        assert.deepStrictEqual(stackFileConfigOf(text()), { "app:key": { value: "plain-before", secret: true } });
    });

    it("refuses an undecryptable secret before touching the file, naming every such key", async () => {
        const original = "config:\n  aws:region: eu-west-1\n";
        fs.writeFileSync(file(), original);
        const message = await refusal({
            "aws:region": { value: "us-east-1" },
            "app:a": { value: UNDECRYPTABLE, secret: true },
            "app:b": { value: UNDECRYPTABLE, secret: true },
            "app:c": { value: "fine", secret: true },
        });
        assert.strictEqual(
            message,
            "update 4's secret config app:a, app:b cannot be decrypted with the stack's current secrets provider; restore it by hand with `pulumi config set --secret`",
        );
        assert.strictEqual(text(), original);
        assert.deepStrictEqual(stack.calls, []);
    });

    it("a plain value that happens to read ERROR_UNABLE_TO_DECRYPT is restored as written", async () => {
        fs.writeFileSync(file(), "config: {}\n");
        assert.deepStrictEqual(await restoreConfig(stack, file(), { "app:x": { value: UNDECRYPTABLE } }, 4), ["app:x"]);
        assert.deepStrictEqual(stackFileConfigOf(text()), { "app:x": { value: UNDECRYPTABLE } });
    });

    it("refuses when the file still differs afterwards (a value set outside it), naming those keys", async () => {
        fs.writeFileSync(file(), "config:\n  aws:region: eu-west-1\n");
        // A secrets provider that accepts the value but never writes it (as an ESC-provided key behaves).
        stack.setSecret = async () => undefined;
        const message = await refusal({
            "aws:region": { value: "us-east-1" },
            "app:esc": { value: "v", secret: true },
            "app:esc2": { value: "w", secret: true },
        });
        assert.strictEqual(
            message,
            "the stack file cannot be made to hold update 4's config; still different: app:esc, app:esc2 (set outside the stack file, e.g. by an ESC environment?)",
        );
    });

    it("removes keys the target did not have even when every other value already matches", async () => {
        fs.writeFileSync(file(), "config:\n  aws:region: us-east-1\n  app:later: x\n");
        assert.deepStrictEqual(await restoreConfig(stack, file(), { "aws:region": { value: "us-east-1" } }, 4), ["app:later"]);
        assert.strictEqual(text(), "config:\n  aws:region: us-east-1\n");
    });

    it("keeps a plain value that is JSON but no object or list exactly as written (quotes, trailing zeros)", async () => {
        fs.writeFileSync(file(), "config: {}\n");
        const target = { "app:quoted": { value: '"{quoted}"' }, "app:version": { value: "1.10" }, "app:list": { value: ' ["a"]' } };
        assert.deepStrictEqual(await restoreConfig(stack, file(), target, 4), ["app:list", "app:quoted", "app:version"]);
        assert.deepStrictEqual(stackFileConfigOf(text()), { ...target, "app:list": { value: '["a"]' } });
    });

    it("a secret never reaches the YAML as plaintext, and a secrets-only change leaves the rest of the file as written", async () => {
        const original = `config:\n  aws:region:   us-east-1   # odd spacing, kept\n  app:token:\n    secure: ${encrypt("old")}\n`;
        fs.writeFileSync(file(), original);
        const seen: string[] = [];
        const setSecret = stack.setSecret.bind(stack);
        stack.setSecret = async (key, value) => {
            seen.push(text());
            return setSecret(key, value);
        };
        assert.deepStrictEqual(
            await restoreConfig(stack, file(), { "aws:region": { value: "us-east-1" }, "app:token": { value: "n3w-S3CR3T", secret: true } }, 4),
            ["app:token"],
        );
        assert.deepStrictEqual(seen, [original]);
    });
});
