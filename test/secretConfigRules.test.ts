import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runtimeSecretKeys, secretConfigProblems, secretValueOutputs, unreadSecretKeyWarnings } from "../config/secretConfig";
import { promiseOf } from "./harness";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };

const TAIL = "then set the key again without --secret";

describe("secret config rules", () => {
    it("says, for each project key set with --secret, where its secrets go; other namespaces and secretValues are not refused", () => {
        const keys = ["egress-remediation:appRunner", "egress-remediation:ecs", "egress-remediation:tags", "egress-remediation:other", "aws:secretKey"];
        assert.deepStrictEqual(secretConfigProblems([...keys, "egress-remediation:secretValues"], ["egress-remediation:secretValues"]), [
            `egress-remediation:appRunner holds a value set with --secret, where no secret belongs: reference its Secrets Manager or SSM ARN under appRunner.service.secrets, or put it in secretValues (pulumi config set --secret --path 'secretValues.NAME' …) and reference it as secretValues.NAME there; ${TAIL}`,
            `egress-remediation:ecs holds a value set with --secret, where no secret belongs: reference its Secrets Manager or SSM ARN under ecs.api.secrets or ecs.worker.secrets, or put it in secretValues (pulumi config set --secret --path 'secretValues.NAME' …) and reference it as secretValues.NAME there; ${TAIL}`,
            `egress-remediation:tags holds a value set with --secret, where no secret belongs: tags are readable by anyone who can list the resources; keep secrets out of them; ${TAIL}`,
            `egress-remediation:other holds a value set with --secret, where no secret belongs: this key takes no secret; ${TAIL}`,
        ]);
        assert.deepStrictEqual(secretConfigProblems([], ["egress-remediation:secretValues"]), [
            "egress-remediation:secretValues must be set with --secret (pulumi config set --secret --path 'secretValues.NAME' …); remove the plain value from the stack file and rotate it",
        ]);
    });

    it("warns once per aws: secret key, which the explicit providers never read", () => {
        assert.deepStrictEqual(unreadSecretKeyWarnings(["aws:secretKey", "egress-remediation:tags", "gcp:aws:x"]), [
            "aws:secretKey is set but not read: every AWS resource uses the explicit provider of its account; give credentials as *.account.profile, *.account.assumeRoleArn or the AWS_* environment variables",
        ]);
    });

    it("without the SDK's isConfigSecret, reads the secret keys from PULUMI_CONFIG_SECRET_KEYS; anything unreadable there means none", () => {
        const isConfigSecret = sdkConfig.isConfigSecret;
        const listed = process.env.PULUMI_CONFIG_SECRET_KEYS;
        pulumi.runtime.setAllConfig({ "egress-remediation:tags": "{}", "aws:secretKey": "x", "aws:region": "us-east-1" });
        try {
            sdkConfig.isConfigSecret = undefined;
            const withVariable = (value: string | undefined) => {
                if (value === undefined) delete process.env.PULUMI_CONFIG_SECRET_KEYS;
                else process.env.PULUMI_CONFIG_SECRET_KEYS = value;
                return runtimeSecretKeys();
            };
            assert.deepStrictEqual(withVariable('["aws:secretKey","egress-remediation:tags","absent:key"]'), ["egress-remediation:tags", "aws:secretKey"]);
            assert.deepStrictEqual(withVariable(undefined), []);
            assert.deepStrictEqual(withVariable('{"aws:secretKey":true}'), []);
            assert.deepStrictEqual(withVariable("[not json"), []);
        } finally {
            sdkConfig.isConfigSecret = isConfigSecret;
            if (listed === undefined) delete process.env.PULUMI_CONFIG_SECRET_KEYS;
            else process.env.PULUMI_CONFIG_SECRET_KEYS = listed;
            pulumi.runtime.setAllConfig({});
        }
    });

    it("hands out each named secret value as a secret Output, and reads no config when none is named", async () => {
        assert.deepStrictEqual(secretValueOutputs([]), {});
        pulumi.runtime.setAllConfig({ "egress-remediation:secretValues": JSON.stringify({ A: "alpha", B: "beta" }) }, ["egress-remediation:secretValues"]);
        try {
            const outputs = secretValueOutputs(["B"]);
            assert.deepStrictEqual(Object.keys(outputs), ["B"]);
            assert.strictEqual(await promiseOf(outputs.B), "beta");
            assert.strictEqual(await pulumi.isSecret(outputs.B), true);
        } finally {
            pulumi.runtime.setAllConfig({});
        }
    });
});
