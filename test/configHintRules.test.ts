import * as assert from "assert";
import { z } from "zod";
import { accountIdHint, closest, issueHint, knownKeysAt, namespaceProblems, unknownKeysMessage } from "../config/hints";

describe("config hints", () => {
    it("closest: the nearest known word within a third of the word's length (1 to 3 edits); a case difference is one edit", () => {
        assert.strictEqual(closest("abc", ["xyz"]), undefined);
        assert.strictEqual(closest("abc", ["abd"]), "abd");
        assert.strictEqual(closest("ENABLED", ["enabled"]), "enabled");
        assert.strictEqual(closest("healthchek", ["healthCheck", "healthChecks"]), "healthCheck");
        assert.strictEqual(closest("healthchek", ["healthChecks", "healthCheck"]), "healthCheck");
        assert.strictEqual(closest("abcdefghi", ["abcdefgXi", "abcdefgYi"]), "abcdefgXi");
        assert.strictEqual(closest("abcdefghi", ["abcdXXXXi"]), undefined);
    });

    it("knownKeysAt: the object keys at a path, through optional, default, nullable, readonly, arrays and records", () => {
        const leaf = z.object({ x: z.string(), y: z.number() });
        const schema = z.object({
            optional: leaf.optional(),
            withDefault: leaf.default({ x: "a", y: 1 }),
            nullable: leaf.nullable(),
            frozen: leaf.readonly(),
            list: z.array(leaf),
            map: z.record(z.string(), leaf),
            name: z.string(),
        });
        for (const path of [["optional"], ["withDefault"], ["nullable"], ["frozen"], ["list", 0], ["map", "any"]])
            assert.deepStrictEqual(knownKeysAt(schema, path), ["x", "y"], path.join("."));
        assert.deepStrictEqual(knownKeysAt(schema, []), ["optional", "withDefault", "nullable", "frozen", "list", "map", "name"]);
        assert.strictEqual(knownKeysAt(schema, ["name"]), undefined);
        assert.strictEqual(knownKeysAt(schema, ["name", "x"]), undefined);
        assert.strictEqual(knownKeysAt(schema, ["absent"]), undefined);
    });

    it("unknownKeysMessage: one or several keys, with guesses and the allowed keys when they are known", () => {
        assert.strictEqual(unknownKeysMessage(["enabeld"], ["enabled", "name"]), 'has unknown key "enabeld" (did you mean "enabled"?); allowed: enabled, name');
        assert.strictEqual(unknownKeysMessage(["a", "zzzzzz"], undefined), 'has unknown keys "a", "zzzzzz"');
    });

    it("namespaceProblems: only keys with a namespace, and only a near miss of the project's", () => {
        assert.deepStrictEqual(
            namespaceProblems(["egress-remediaton1", "aws:region", "egress-remediation:ecs", "egress-remediaton:ecs"], "egress-remediation"),
            ['egress-remediaton:ecs is under the unknown namespace "egress-remediaton"; did you mean egress-remediation:ecs?'],
        );
    });

    it("accountIdHint: only a whole, non-negative number under account.id", () => {
        const at = ["ecs", "account", "id"];
        assert.strictEqual(accountIdHint(at, 905418046272), 'must be a quoted string of 12 digits: write id: "905418046272"');
        assert.strictEqual(
            accountIdHint(at, 0),
            'must be a quoted string of 12 digits: write id: "000000000000" (read as the number 0: the leading zeros were lost)',
        );
        for (const [path, got] of [
            [at, -5],
            [at, 1.5],
            [at, "905418046272"],
            [["ecs", "account", "name"], 5],
            [["ecs", "owner", "id"], 5],
        ] as const)
            assert.strictEqual(accountIdHint(path, got), undefined, `${path.join(".")} ${got}`);
    });

    it("issueHint: the account id hint only for a wrong type", () => {
        const schema = z.object({ ecs: z.object({ account: z.object({ id: z.string() }) }) });
        const path = ["ecs", "account", "id"];
        assert.match(issueHint({ code: "invalid_type", expected: "string", path, message: "", input: 5 }, 5, schema) ?? "", /^must be a quoted string/);
        assert.strictEqual(issueHint({ code: "custom", path, message: "bad", input: 5 }, 5, schema), undefined);
    });
});
