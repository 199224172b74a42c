import * as assert from "assert";
import { accountSession, call, DiscoverError } from "../tools/discover/aws";

const ecs = accountSession("ecs", { id: "905418046272", region: "eu-central-1", profile: "okta-sso" });
const appRunner = accountSession("appRunner", { id: "566287346479", region: "us-east-1" });
const withRole = accountSession("appRunner", { id: "566287346479", region: "us-east-1", assumeRoleArn: "arn:aws:iam::566287346479:role/ci-deploy" });

function failing(error: Record<string, unknown>): () => Promise<never> {
    return () => Promise.reject(Object.assign(new Error(String(error.message ?? "boom")), error));
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof DiscoverError, `not a DiscoverError: ${error}`);
        return error.message;
    }
    throw new Error("did not throw");
}

describe("discover: one line for each AWS failure a user can act on", () => {
    it("names the denied action, whatever the service calls the denial", async () => {
        for (const name of ["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]) {
            assert.strictEqual(
                await messageOf(call(ecs, "ecs:DescribeTaskDefinition", failing({ name }))),
                "access denied: ecs:DescribeTaskDefinition in ecs account 905418046272 (eu-central-1); allow it (the README lists discover's read-only policy)",
            );
        }
        // An XML denial the JSON parser could not read still arrives as a 403.
        const unparsed = failing({ name: "SyntaxError", message: "Unexpected token '<'", $metadata: { httpStatusCode: 403 } });
        assert.match(await messageOf(call(ecs, "ecs:DescribeServices", unparsed)), /^access denied: ecs:DescribeServices in ecs account/);
    });

    it("says how to provide credentials: the profile to log in with, or where to set one", async () => {
        assert.strictEqual(
            await messageOf(
                call(ecs, "sts:GetCallerIdentity", failing({ name: "CredentialsProviderError", message: "Could not load credentials from any providers" })),
            ),
            "no AWS credentials for the ecs account 905418046272 (eu-central-1): profile okta-sso (ecs.account.profile): run `aws sso login --profile okta-sso` or fix ~/.aws/config",
        );
        assert.strictEqual(
            await messageOf(call(appRunner, "sts:GetCallerIdentity", failing({ name: "CredentialsProviderError" }))),
            "no AWS credentials for the appRunner account 566287346479 (us-east-1): set appRunner.account.profile or appRunner.account.assumeRoleArn, or export AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        );
        assert.match(
            await messageOf(call(withRole, "sts:GetCallerIdentity", failing({ name: "ExpiredToken" }))),
            /^the AWS credentials for the appRunner account 566287346479 \(us-east-1\) are invalid or expired \(ExpiredToken\): .*; the role arn:aws:iam::566287346479:role\/ci-deploy is then assumed$/,
        );
    });

    it("returns nothing for the absent-resource errors a reader expects, and names the call for any other error", async () => {
        assert.strictEqual(await call(ecs, "ecr:DescribeImages", failing({ name: "ImageNotFoundException" }), ["ImageNotFoundException"]), undefined);
        assert.strictEqual(
            await messageOf(call(ecs, "ecr:DescribeImages", failing({ name: "ThrottlingException", message: "Rate exceeded\nmore" }))),
            "ecr:DescribeImages failed in ecs account 905418046272 (eu-central-1): ThrottlingException: Rate exceeded",
        );
    });

    it("derives client settings as the program's provider does: region always, credentials only when a profile or role is set", () => {
        assert.strictEqual(appRunner.clientConfig.region, "us-east-1");
        assert.strictEqual(appRunner.clientConfig.credentials, undefined, "ambient credentials: the SDK's default chain");
        assert.strictEqual(typeof ecs.clientConfig.credentials, "function");
        assert.strictEqual(typeof withRole.clientConfig.credentials, "function");
        assert.strictEqual(
            accountSession("ecs", { id: "905418046272", region: "eu-central-1" }, "http://127.0.0.1:1").clientConfig.endpoint,
            "http://127.0.0.1:1",
        );
        assert.strictEqual(ecs.clientConfig.endpoint, undefined);
    });
});
