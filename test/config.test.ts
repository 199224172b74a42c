import * as assert from "assert";
import { findPlaceholders } from "../config/placeholders";
import { validateStackConfig } from "../config/validate";
import { projectConfig, stackFileConfig } from "./fixtures";

function prodWith(edit: (c: Record<string, any>) => void): string[] {
    const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
    edit(config);
    const result = validateStackConfig(config);
    return result.ok ? [] : result.problems;
}

describe("stack config validation", () => {
    it("accepts the committed prod and dev stacks", () => {
        for (const stack of ["prod", "dev"]) {
            const result = validateStackConfig(projectConfig(stackFileConfig(stack)));
            assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
        }
    });

    it("names the key, the value and the App Runner range for the runbook's 30 s timeout", () => {
        assert.deepStrictEqual(
            prodWith((c) => (c.appRunner.service.healthCheck.timeout = 30)),
            ["egress-remediation:appRunner.service.healthCheck.timeout must be 1–20 seconds (App Runner limit); got 30"],
        );
    });

    it("reports every problem at once, one line each", () => {
        const problems = prodWith((c) => {
            c.appRunner.service.healthCheck.interval = 0;
            c.appRunner.network.natMode = "double";
            c.ecs.api.image = "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest";
            c.ecs.account.id = "9054";
        });
        assert.deepStrictEqual(problems.sort(), [
            'egress-remediation:appRunner.network.natMode must be one of "single", "perAz", "none"; got "double"',
            "egress-remediation:appRunner.service.healthCheck.interval must be 1–20 seconds (App Runner limit); got 0",
            'egress-remediation:ecs.account.id must be a 12-digit AWS account id; got "9054"',
            'egress-remediation:ecs.api.image must pin a tag or digest: image "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest" uses the moving tag :latest; pin a release tag or a sha256 digest; got "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest"',
        ]);
    });

    it("refuses an instance size App Runner does not offer", () => {
        const [problem] = prodWith((c) => {
            c.appRunner.service.memory = "3 GB";
            c.appRunner.service.cpu = "2 vCPU";
        });
        assert.match(
            problem,
            /^egress-remediation:appRunner.service.cpu and memory must be an App Runner pair \(0.25 vCPU → 0.5\/1 GB; .*\); got cpu "2 vCPU", memory "3 GB"$/,
        );
    });

    it("refuses plaintext secrets and secrets in env, naming where they go and never echoing them", () => {
        const problems = prodWith((c) => {
            c.appRunner.service.secrets.DATABASE_URL = "postgresql://nerava_admin:pw@nerava-db:5432/nerava";
            c.appRunner.service.env.REDIS_URL = "redis://x";
        });
        assert.deepStrictEqual(problems.sort(), [
            "egress-remediation:appRunner.service.env.REDIS_URL is also a secret; keep it in secrets only; got [secret]",
            "egress-remediation:appRunner.service.env.REDIS_URL looks like a secret (its name is a connection string's, which carries credentials); store it in Secrets Manager or SSM and reference its ARN in `appRunner.service.secrets.REDIS_URL`; got [secret]",
            "egress-remediation:appRunner.service.secrets.DATABASE_URL must be a Secrets Manager secret ARN or name (letters, digits and /_+=.@-), or an SSM parameter ARN, never a value (secretValues.NAME is also accepted); got [secret]",
        ]);
    });

    it("never echoes the value of a key set as a secret, where a plain key's value is echoed", () => {
        // Neither secret-looking nor under secrets or env: only --secret on the key hides it.
        const config = projectConfig(stackFileConfig("prod")) as Record<string, any>;
        config.appRunner.service.port = "eighty-eighty";
        const line = (secretKeys: string[]) => {
            const result = validateStackConfig(config, new Set(secretKeys));
            return result.ok ? "" : result.problems.join("\n");
        };
        assert.strictEqual(line([]), 'egress-remediation:appRunner.service.port must be number; got "eighty-eighty"');
        assert.strictEqual(line(["appRunner"]), "egress-remediation:appRunner.service.port must be number; got [secret]");
    });

    it("refuses a NAT subnet that is also a connector subnet, and unknown keys", () => {
        const problems = prodWith((c) => {
            c.appRunner.network.publicSubnetIds = ["subnet-0c3e9b306737c3fb2"];
            c.appRunner.service.healthcheckPath = "/health";
        });
        assert.deepStrictEqual(problems.sort(), [
            'egress-remediation:appRunner.network.publicSubnetIds subnet-0c3e9b306737c3fb2 is also a connector subnet; the NAT must sit in a public subnet whose default route is an internet gateway; got ["subnet-0c3e9b306737c3fb2"]',
            'egress-remediation:appRunner.service has unknown key "healthcheckPath"; allowed: name, image, port, accessRoleArn, cpu, memory, healthCheck, env, envNotSecret, secrets, autoScaling',
        ]);
    });

    it("refuses perAz without an AZ for every subnet, naming each subnet", () => {
        const problems = prodWith((c) => {
            c.appRunner.network.natMode = "perAz";
            c.appRunner.network.subnetAzs = { "subnet-0c3e9b306737c3fb2": "us-east-1a", "subnet-09f0b6b22836f635b": "us-east-1a" };
        });
        assert.deepStrictEqual(problems, [
            "egress-remediation:appRunner.network.subnetAzs.subnet-0dd152da6d977861c is required for natMode perAz; got nothing",
        ]);
    });

    it("refuses an unknown top-level key and an empty stack", () => {
        assert.deepStrictEqual(validateStackConfig({ appRuner: {} }), {
            ok: false,
            problems: [
                "egress-remediation:appRuner is not a known key (did you mean egress-remediation:appRunner?); allowed: appRunner, ecs, tags, unverified, secretValues",
            ],
        });
        assert.deepStrictEqual(validateStackConfig({}), {
            ok: false,
            problems: [
                "egress-remediation:appRunner and egress-remediation:ecs are both missing or disabled (enabled: false): the stack would manage nothing; enable at least one (to retire a decommissioned stack, run `pulumi destroy`: what decommission retained stays in AWS)",
            ],
        });
    });

    it("requires the ECS network unless the tasks share the App Runner VPC", () => {
        const problems = prodWith((c) => {
            delete c.ecs.vpcId;
            delete c.ecs.subnetIds;
        });
        assert.deepStrictEqual(problems, [
            "egress-remediation:ecs.vpcId is required unless appRunner is enabled in the same account and region (whose VPC the tasks then share); got nothing",
        ]);
    });

    it("finds the prod file's placeholders, which `pulumi up` refuses", () => {
        assert.deepStrictEqual(findPlaceholders(projectConfig(stackFileConfig("prod"))), ["ecs.vpcId", "ecs.subnetIds.0", "ecs.subnetIds.1", "ecs.api.image"]);
        assert.deepStrictEqual(findPlaceholders(projectConfig(stackFileConfig("dev"))), []);
    });
});
