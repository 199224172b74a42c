import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { applyChanges, noteSecretsToCreate, parseStackText } from "../tools/discover/stackEdit";
import { unifiedDiff } from "../tools/discover/lineDiff";
import { Change } from "../tools/discover/findings";

const PROD = fs.readFileSync(path.join(__dirname, "..", "Pulumi.prod.yaml"), "utf8");
const render = (doc: ReturnType<typeof parseStackText>) => doc.toString({ lineWidth: 0, flowCollectionPadding: false });

const CHANGES: Change[] = [
    { part: "appRunner", path: ["network", "publicSubnetIds"], value: ["subnet-0aaaaaaaaaaaaaaa1"], source: "ec2:DescribeRouteTables rtb-1" },
    {
        part: "appRunner",
        path: ["adopt", "postgresIngressRuleIds", "connector"],
        value: "sgr-0123456789abcdef0",
        source: "ec2:DescribeSecurityGroupRules sg-1",
    },
    { part: "ecs", path: ["vpcId"], value: "vpc-0bbbbbbbbbbbbbbb1", source: "ec2:DescribeSubnets" },
    { part: "ecs", path: ["api", "desiredCount"], value: 2, source: "ecs:DescribeServices" },
];

describe("discover: editing the stack file", () => {
    it("sets values in place and creates missing maps, each key under a note naming its source", () => {
        const doc = parseStackText(PROD, "Pulumi.prod.yaml");
        const applied = applyChanges(doc, CHANGES);
        // desiredCount is already 2: not a change.
        assert.deepStrictEqual(
            applied.map((a) => [a.path.join("."), a.before]),
            [
                ["network.publicSubnetIds", ["subnet-09f0b6b22836f635b"]],
                ["adopt.postgresIngressRuleIds.connector", undefined],
                ["vpcId", "vpc-00000000000000000"],
            ],
        );
        const text = render(doc);
        const config = parse(text).config;
        assert.deepStrictEqual(config["egress-remediation:appRunner"].network.publicSubnetIds, ["subnet-0aaaaaaaaaaaaaaa1"]);
        assert.deepStrictEqual(config["egress-remediation:appRunner"].adopt.postgresIngressRuleIds, { connector: "sgr-0123456789abcdef0" });
        assert.match(text, /# discover: from ec2:DescribeRouteTables rtb-1\n {6}publicSubnetIds:\n {8}- subnet-0aaaaaaaaaaaaaaa1\n/);
        assert.match(text, /# discover: from ec2:DescribeSecurityGroupRules sg-1\n {6}postgresIngressRuleIds:\n {8}connector: sgr-0123456789abcdef0\n/);
    });

    it("edits a map in place: kept keys keep order, quoting and comments; a dropped key's comment moves to the next key", () => {
        const text = [
            "config:",
            "  egress-remediation:ecs:",
            "    api:",
            "      env:",
            '        B: "2"',
            "        # about A",
            "        A: one",
            "        # about GONE",
            "        GONE: x",
            "        # about C",
            "        C: three",
            "",
        ].join("\n");
        const doc = parseStackText(text, "Pulumi.prod.yaml");
        applyChanges(doc, [{ part: "ecs", path: ["api", "env"], value: { A: "uno", B: "2", C: "three", D: "four" }, source: "live" }]);
        assert.strictEqual(
            render(doc),
            [
                "config:",
                "  egress-remediation:ecs:",
                "    api:",
                "      # discover: from live",
                "      env:",
                '        B: "2"',
                "        # about A",
                "        A: uno",
                "        # about GONE",
                "        # about C",
                "        C: three",
                "        D: four",
                "",
            ].join("\n"),
        );
    });

    it("keeps every other line of the file byte for byte", () => {
        const doc = parseStackText(PROD, "Pulumi.prod.yaml");
        applyChanges(doc, CHANGES);
        const diff = unifiedDiff(PROD, render(doc), "Pulumi.prod.yaml", 0);
        const removed = diff.split("\n").filter((l) => l.startsWith("-") && !l.startsWith("---"));
        assert.deepStrictEqual(removed, ["-        - subnet-09f0b6b22836f635b", "-    vpcId: vpc-00000000000000000"]);
    });

    it("is idempotent: a second run over its own output changes nothing, notes included", () => {
        const first = parseStackText(PROD, "Pulumi.prod.yaml");
        applyChanges(first, CHANGES);
        noteSecretsToCreate(first, [{ part: "appRunner", secretsPath: ["service", "secrets"], name: "JWT_SECRET", source: "apprunner:DescribeService" }]);
        const once = render(first);
        const second = parseStackText(once, "Pulumi.prod.yaml");
        assert.deepStrictEqual(applyChanges(second, CHANGES), []);
        noteSecretsToCreate(second, [{ part: "appRunner", secretsPath: ["service", "secrets"], name: "JWT_SECRET", source: "apprunner:DescribeService" }]);
        assert.strictEqual(render(second), once);
    });

    it("replaces its earlier note on a key when the value changes again, instead of stacking notes", () => {
        const first = parseStackText(PROD, "Pulumi.prod.yaml");
        applyChanges(first, [CHANGES[0]]);
        const again = parseStackText(render(first), "Pulumi.prod.yaml");
        applyChanges(again, [{ ...CHANGES[0], value: ["subnet-0aaaaaaaaaaaaaaa2"], source: "ec2:DescribeRouteTables rtb-2" }]);
        const text = render(again);
        assert.strictEqual(text.match(/# discover: from/g)?.length, 1);
        assert.ok(text.includes("# discover: from ec2:DescribeRouteTables rtb-2"));
    });

    it("lists secret-looking names under a secrets map that does not exist yet, and never a value", () => {
        const doc = parseStackText(PROD.replace(/ {6}secrets:\n(?: {8}.*\n)+/, ""), "Pulumi.prod.yaml");
        noteSecretsToCreate(doc, [
            { part: "appRunner", secretsPath: ["service", "secrets"], name: "STRIPE_SECRET_KEY", source: "s" },
            { part: "appRunner", secretsPath: ["service", "secrets"], name: "JWT_SECRET", source: "s" },
        ]);
        const text = render(doc);
        assert.match(
            text,
            /# discover: not copied \(they look secret\): JWT_SECRET, STRIPE_SECRET_KEY; create a Secrets Manager secret for each and add NAME: <its full ARN> here\n {6}secrets: \{\}\n/,
        );
    });

    it("refuses a stack file that is not YAML, in one line", () => {
        assert.throws(
            () => parseStackText("config:\n  a: [1,\n", "Pulumi.prod.yaml"),
            (e: Error) => /^cannot parse Pulumi\.prod\.yaml: /.test(e.message) && !e.message.includes("\n"),
        );
    });
});

describe("discover: unified diff", () => {
    it("prints hunks with their line numbers, removals before additions", () => {
        assert.strictEqual(
            unifiedDiff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nC\nd\ne\nf\ng\nh\n", "f", 1),
            ["--- f", "+++ f (discovered)", "@@ -2,3 +2,3 @@", " b", "-c", "+C", " d", "@@ -7,2 +7,3 @@", " g", "+h", " "].join("\n"),
        );
        assert.strictEqual(unifiedDiff("same\n", "same\n", "f"), "");
    });
});
