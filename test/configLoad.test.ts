import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { asRunError, loadStackConfig } from "../config/load";
import { ConfigError } from "../config/validate";
import { stackFileConfig } from "./fixtures";

/** The prod stack file as the runtime holds it: every value a string, objects as JSON. */
function runtimeConfig(edit: (config: Record<string, any>) => void = () => undefined): Record<string, string> {
    const config = stackFileConfig("prod") as Record<string, any>;
    edit(config);
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

function problemsLoading(config: Record<string, string>, secretKeys: string[] = []): string[] {
    pulumi.runtime.setAllConfig(config, secretKeys);
    try {
        loadStackConfig();
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    } finally {
        pulumi.runtime.setAllConfig({});
    }
}

describe("loadStackConfig", () => {
    it("returns the validated prod config", () => {
        pulumi.runtime.setAllConfig(runtimeConfig());
        try {
            assert.strictEqual(loadStackConfig().appRunner?.service.port, 8000);
        } finally {
            pulumi.runtime.setAllConfig({});
        }
    });

    it("refuses a key under a misspelled namespace, though the project's own keys are valid", () => {
        const config = { ...runtimeConfig(), "egress-remediaton:tags": "{}" };
        assert.deepStrictEqual(problemsLoading(config), [
            'egress-remediaton:tags is under the unknown namespace "egress-remediaton"; did you mean egress-remediation:tags?',
        ]);
    });

    it("refuses a project key set with --secret, and hides its values in every other line", () => {
        const config = runtimeConfig((c) => (c["egress-remediation:appRunner"].service.port = "eighty-eighty"));
        const problems = problemsLoading(config, ["egress-remediation:appRunner"]);
        assert.deepStrictEqual(problems.length, 2, problems.join("\n"));
        assert.match(problems[0], /^egress-remediation:appRunner holds a value set with --secret, where no secret belongs/);
        assert.strictEqual(problems[1], "egress-remediation:appRunner.service.port must be number; got [secret]");
    });
});

describe("asRunError", () => {
    it("logs each config problem on its own line and stops with a RunError (no stack trace); any other error passes through", () => {
        const logged: string[] = [];
        const logError = pulumi.log.error;
        pulumi.log.error = (message: string) => (logged.push(message), Promise.resolve());
        try {
            assert.throws(
                () => asRunError(new ConfigError(["a is wrong", "b is wrong"])),
                (error: Error) => pulumi.RunError.isInstance(error) && error.message === "stack config is invalid (2 problem(s)); see the lines above",
            );
            assert.deepStrictEqual(logged, ["a is wrong", "b is wrong"]);
            const other = new TypeError("not config");
            assert.throws(
                () => asRunError(other),
                (error: unknown) => error === other,
            );
            assert.strictEqual(logged.length, 2);
        } finally {
            pulumi.log.error = logError;
        }
    });
});
