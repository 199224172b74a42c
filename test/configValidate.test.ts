import * as assert from "assert";
import { ConfigError, mustNotEcho, projectConfigFrom, validateStackConfig } from "../config/validate";
import { projectConfig, stackFileConfig } from "./fixtures";

/** The problems validation reports for the prod stack after `edit`. */
function prodWith(edit: (c: Record<string, any>) => void, secretKeys: string[] = []): string[] {
    const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
    config.appRunner.stage = "harden";
    config.ecs.stage = "harden";
    edit(config);
    const result = validateStackConfig(config, new Set(secretKeys));
    return result.ok ? [] : result.problems;
}

const URL_WITH_PASSWORD = "postgresql://admin:hunter2@db.internal:5432/app";
const RANDOM_TOKEN = "q8Zk3Lw9Tx2Rv7Yp4Nm6Bc1";

describe("config error lines", () => {
    it("a missing object is required, a wrong type names the type; a top-level key has no dotted tail", () => {
        assert.deepStrictEqual(
            prodWith((c) => delete c.ecs.account),
            ["egress-remediation:ecs.account is required (expected object)"],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.tags = "team=platform")),
            ['egress-remediation:tags must be record; got "team=platform"'],
        );
    });

    it("a problem under a map the stack file leaves out says the value is missing", () => {
        // Without subnetAzs in the file, the path of each problem runs past a value that is not there.
        const problems = prodWith((c) => {
            c.appRunner.network.natMode = "perAz";
            delete c.appRunner.network.subnetAzs;
        });
        assert.strictEqual(problems.length, 3);
        for (const problem of problems)
            assert.match(problem, /^egress-remediation:appRunner\.network\.subnetAzs\.subnet-\w+ is required for natMode perAz; got nothing$/);
    });

    it("an unknown top-level key with no near miss lists the allowed keys without a guess", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.billing = true)),
            ["egress-remediation:billing is not a known key; allowed: appRunner, ecs, tags, unverified, secretValues"],
        );
    });

    it("numeric bounds say at least / at most, and an array's bound counts items", () => {
        const greenfield = (c: Record<string, any>, azCount: number) => {
            c.appRunner.network = { natMode: "single", azCount };
        };
        assert.deepStrictEqual(
            prodWith((c) => greenfield(c, 4)),
            ["egress-remediation:appRunner.network.azCount must be at most 3; got 4"],
        );
        assert.deepStrictEqual(
            prodWith((c) => greenfield(c, 1)),
            ["egress-remediation:appRunner.network.azCount must be at least 2; got 1"],
        );
        assert.deepStrictEqual(
            prodWith((c) => greenfield(c, 3)),
            [],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.ecs.api.capacityProviderStrategy = [])),
            ["egress-remediation:ecs.api.capacityProviderStrategy must list at least 1 item(s); got []"],
        );
    });

    it("a value of either type names both types", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.service.cpu = true)),
            ["egress-remediation:appRunner.service.cpu must be string or number; got true"],
        );
    });

    it("a map key of the wrong form says what the key must be, not the value under it", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.network.subnetAzs = { ...c.appRunner.network.subnetAzs, "subnet-A": "us-east-1a" })),
            ["egress-remediation:appRunner.network.subnetAzs.subnet-A is not an allowed key: must look like subnet-0123456789abcdef0"],
        );
    });

    it("an echoed value is cut to 80 characters: 77 and an ellipsis", () => {
        const natMode = (value: string) => prodWith((c) => (c.appRunner.network.natMode = value));
        const prefix = 'egress-remediation:appRunner.network.natMode must be one of "single", "perAz", "none"; got ';
        // JSON adds two quotes: 78 letters print as 80 characters, in full.
        assert.deepStrictEqual(natMode("a".repeat(78)), [`${prefix}"${"a".repeat(78)}"`]);
        assert.deepStrictEqual(natMode("a".repeat(79)), [`${prefix}"${"a".repeat(76)}...`]);
    });

    it("under a key set with --secret, unknown keys are named without the allowed list", () => {
        const unknown = (keys: string[]) => prodWith((c) => keys.forEach((k) => (c.appRunner.service[k] = 1)), ["appRunner"]);
        assert.deepStrictEqual(unknown(["replicas"]), ['egress-remediation:appRunner.service has unknown key "replicas"']);
        assert.deepStrictEqual(unknown(["replicas", "zone"]), ['egress-remediation:appRunner.service has unknown keys "replicas", "zone"']);
    });

    it("a thrown ConfigError carries one line per problem", () => {
        const error = new ConfigError(["a is wrong", "b is wrong"]);
        assert.strictEqual(error.name, "ConfigError");
        assert.strictEqual(error.message, "a is wrong\nb is wrong");
        assert.deepStrictEqual(error.problems, ["a is wrong", "b is wrong"]);
    });
});

describe("mustNotEcho", () => {
    it("hides a string or an array's string that is a credential or random-looking, never a plain one", () => {
        const path = ["appRunner", "service", "name"];
        assert.strictEqual(mustNotEcho(path, URL_WITH_PASSWORD), true);
        assert.strictEqual(mustNotEcho(path, RANDOM_TOKEN), true);
        assert.strictEqual(mustNotEcho(path, "sandbox-broker"), false);
        assert.strictEqual(mustNotEcho(path, [8080, RANDOM_TOKEN]), true);
        assert.strictEqual(mustNotEcho(path, [8080, "sandbox-broker"]), false);
    });

    it("hides a credential at any depth of an object or a nested list, and nothing when the line prints no value", () => {
        const path = ["ecs", "worker", "command"];
        assert.strictEqual(mustNotEcho(path, { db: URL_WITH_PASSWORD }), true);
        assert.strictEqual(mustNotEcho(path, [[URL_WITH_PASSWORD]]), true);
        assert.strictEqual(mustNotEcho(path, { db: ["sandbox-broker"], port: 8080, none: null }), false);
        assert.strictEqual(mustNotEcho(path, undefined), false);
    });

    it("a wrong type never prints a password inside the object or list it got", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.ecs.worker.command = { db: URL_WITH_PASSWORD })),
            ["egress-remediation:ecs.worker.command must be array; got [secret]"],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.tags = [[URL_WITH_PASSWORD]])),
            ["egress-remediation:tags must be record; got [secret]"],
        );
    });

    it("names an object, or a list holding one, by its kind: its keys say what its values are", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.ecs.worker.command = { DB_PASSWORD: "hunter2" })),
            ["egress-remediation:ecs.worker.command must be array; got an object"],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.service.port = { [URL_WITH_PASSWORD]: 1 })),
            ["egress-remediation:appRunner.service.port must be number; got an object"],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.ecs.worker.command = "worker")),
            ['egress-remediation:ecs.worker.command must be array; got "worker"'],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.tags = [{ team: "platform" }, "x"])),
            ["egress-remediation:tags must be record; got a list of 2"],
        );
        assert.deepStrictEqual(
            prodWith((c) => (c.tags = ["team", 1])),
            ['egress-remediation:tags must be record; got ["team",1]'],
        );
    });

    it("hides a key the user chose when it is a credential or a token, wherever the line names it", () => {
        const lines = [
            ...prodWith((c) => (c.tags = { [RANDOM_TOKEN]: 5 })),
            ...prodWith((c) => (c.appRunner.service.env = { [URL_WITH_PASSWORD]: 5 })),
            ...prodWith((c) => (c.appRunner.network.subnetAzs = { [RANDOM_TOKEN]: "us-east-1a" })),
            ...prodWith((c) => (c.appRunner.service[URL_WITH_PASSWORD] = "x")),
            ...prodWith((c) => (c[RANDOM_TOKEN] = 1)),
        ];
        assert.deepStrictEqual(lines, [
            "egress-remediation:tags.[secret] must be string; got [secret]",
            "egress-remediation:appRunner.service.env.[secret] must be string; got [secret]",
            "egress-remediation:appRunner.network.subnetAzs.[secret] is not an allowed key: must look like subnet-0123456789abcdef0",
            'egress-remediation:appRunner.service has unknown key "[secret]"',
            "egress-remediation:[secret] is not a known key; allowed: appRunner, ecs, tags, unverified, secretValues",
        ]);
        assert.deepStrictEqual(
            prodWith((c) => (c.tags = { team: 5 })),
            ["egress-remediation:tags.team must be string; got 5"],
        );
    });

    it("hides the value inside a schema message that quotes it, under a key set with --secret", () => {
        const image = "registry.example.com/private-image";
        const edit = (c: Record<string, any>) => (c.appRunner.service.image = image);
        const [hidden] = prodWith(edit, ["appRunner"]);
        assert.ok(!hidden.includes("private-image"), hidden);
        assert.match(hidden, /^egress-remediation:appRunner\.service\.image must pin a tag or digest: image "\[secret\]" has no tag/);
        assert.match(prodWith(edit)[0], /image "registry\.example\.com\/private-image" has no tag/);
    });

    it("an unknown key keeps its hint beside a random-looking value, which its line never prints", () => {
        const [problem] = prodWith((c) => Object.assign(c.appRunner.service, { name: RANDOM_TOKEN, imagee: "x" }));
        assert.match(problem, /^egress-remediation:appRunner\.service has unknown key "imagee" \(did you mean "image"\?\); allowed: name, image, port, /);
    });
});

describe("projectConfigFrom", () => {
    it("parses the project's JSON values, keeps other text as it is and drops other namespaces", () => {
        assert.deepStrictEqual(
            projectConfigFrom({
                "egress-remediation:ecs": '{"enabled":false}',
                "egress-remediation:note": "not json",
                "aws:region": "us-east-1",
            }),
            { ecs: { enabled: false }, note: "not json" },
        );
    });
});
