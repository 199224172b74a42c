import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, parseBootstrapConfig } from "../bootstrap/config";
import { PROGRAM_ROLE_PREFIX, STORED_SECRET_PREFIX } from "../bootstrap/permissions";
import { lookupsFromConfig, RecordedResource, RecordingMocks } from "../tools/offline/mocks";
import { runProgram } from "../tools/offline/runProgram";
import { atHarden, projectConfig, stackFileConfig } from "./fixtures";
import { runStack } from "./harness";

const PROGRAM = path.resolve(__dirname, "../bootstrap/index");
const REPO = "acme/egress-remediation";
const KEY = "arn:aws:kms:us-east-1:566287346479:key/0b4f3a52-3b7f-4a8e-9d6c-2f1e7c9a1b00";
const BASE = {
    github: { repository: REPO },
    apprunnerAccount: { id: "566287346479", region: "us-east-1" },
    ecsAccount: { id: "905418046272", region: "eu-central-1", profile: "okta-sso" },
    state: { bucket: "acme-pulumi-state", kmsKeyArn: KEY },
};

/** Runs bootstrap/index.ts under mocks with the given config and returns every registration. */
async function runBootstrap(config: Record<string, unknown>): Promise<RecordedResource[]> {
    const mocks = new RecordingMocks({});
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${NAMESPACE}:${k}`, JSON.stringify(v)])));
    await pulumi.runtime.setMocks(mocks, NAMESPACE, "prod", true);
    delete require.cache[require.resolve(PROGRAM)];
    await import(PROGRAM);
    await pulumi.runtime.disconnect();
    return mocks.resources;
}

type Statement = { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>> };
const doc = (r: RecordedResource, key: string) => JSON.parse(String(r.inputs[key])) as { Statement: Statement[] };
const actions = (s: Statement) => [s.Action].flat();
const named = (resources: RecordedResource[], type: string, name: string) => {
    const found = resources.find((r) => r.type === type && r.name === name);
    assert.ok(found, `${type} ${name}`);
    return found;
};
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/rolePolicy:RolePolicy";

describe("bootstrap (GitHub OIDC provider and CI roles, under mocks)", () => {
    let resources: RecordedResource[] = [];
    before(async () => {
        resources = await runBootstrap(BASE);
    });

    it("creates GitHub's OIDC provider for the STS audience, in the App Runner account only", () => {
        const oidc = named(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github");
        assert.strictEqual(oidc.inputs.url, "https://token.actions.githubusercontent.com");
        assert.deepStrictEqual(oidc.inputs.clientIdLists, ["sts.amazonaws.com"]);
        assert.match(String(oidc.provider), /::apprunner-account::/);
        const providers = resources.filter((r) => r.type === "pulumi:providers:aws");
        assert.deepStrictEqual(providers.map((p) => JSON.parse(String(p.inputs.allowedAccountIds))).sort(), [["566287346479"], ["905418046272"]]);
    });

    it("lets pull requests and the daily drift job on main of this repository (and nothing else) assume the preview role, the production environment the deploy role", () => {
        for (const [role, subject] of <[string, string | string[]][]>[
            // Pull requests, and the daily drift job on main (.github/workflows/drift.yml).
            ["github-egress-remediation-preview", [`repo:${REPO}:pull_request`, `repo:${REPO}:ref:refs/heads/main`]],
            ["github-egress-remediation-deploy", `repo:${REPO}:environment:production`],
        ]) {
            const [statement, ...rest] = doc(named(resources, ROLE, role), "assumeRolePolicy").Statement as unknown as Record<string, any>[];
            assert.deepStrictEqual(rest, []);
            assert.strictEqual(statement.Action, "sts:AssumeRoleWithWebIdentity");
            assert.match(statement.Principal.Federated, /openIdConnectProvider/);
            assert.deepStrictEqual(statement.Condition, {
                StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": subject },
            });
        }
    });

    it("lets only the matching App Runner-account role assume each ECS-account role", () => {
        for (const kind of ["preview", "deploy"]) {
            const ecsRole = named(resources, ROLE, `github-egress-remediation-${kind}-ecs`);
            assert.match(String(ecsRole.provider), /::ecs-account::/);
            const [statement] = doc(ecsRole, "assumeRolePolicy").Statement as unknown as Record<string, any>[];
            assert.strictEqual(statement.Principal.AWS, named(resources, ROLE, `github-egress-remediation-${kind}`).state.arn);
        }
    });

    it("gives the preview roles reads only: no write, no secret value, the other account's preview role only", () => {
        const readOnly = /^(\w+:(Describe|Get|List)\w*\*?|s3:GetObject|s3:ListBucket|kms:Decrypt|sts:AssumeRole)$/;
        for (const name of ["github-egress-remediation-preview", "github-egress-remediation-preview-ecs"]) {
            for (const statement of doc(named(resources, POLICY, name), "policy").Statement) {
                for (const action of actions(statement)) assert.match(action, readOnly, `${name}: ${action}`);
                assert.ok(!actions(statement).includes("secretsmanager:GetSecretValue"));
            }
        }
        const assume = doc(named(resources, POLICY, "github-egress-remediation-preview"), "policy").Statement.find((s) => s.Action === "sts:AssumeRole");
        assert.strictEqual(assume?.Resource, "arn:aws:iam::905418046272:role/github-egress-remediation-preview-ecs");
    });

    it("scopes the deploy roles: IAM writes on the program's roles, PassRole to their services, state in the bucket and key", () => {
        const deploy = doc(named(resources, POLICY, "github-egress-remediation-deploy"), "policy").Statement;
        assert.ok(deploy.every((s) => !actions(s).some((a) => a === "*" || a.endsWith(":*"))));
        assert.strictEqual(deploy.find((s) => s.Sid === "ProgramRoles")?.Resource, "arn:aws:iam::566287346479:role/app-*");
        assert.deepStrictEqual(deploy.find((s) => s.Sid === "PassRoles")?.Condition, {
            StringEquals: { "iam:PassedToService": ["apprunner.amazonaws.com", "build.apprunner.amazonaws.com", "tasks.apprunner.amazonaws.com"] },
        });
        assert.deepStrictEqual(deploy.find((s) => s.Sid === "StateSecrets")?.Resource, KEY);
        assert.deepStrictEqual(deploy.find((s) => s.Sid === "Write")?.Condition, { StringEquals: { "aws:RequestedRegion": "us-east-1" } });
        const ecs = doc(named(resources, POLICY, "github-egress-remediation-deploy-ecs"), "policy").Statement;
        assert.strictEqual(ecs.find((s) => s.Sid === "ProgramRoles")?.Resource, "arn:aws:iam::905418046272:role/workloads-*");
        assert.ok(!ecs.some((s) => String(s.Sid).startsWith("State")), "state lives in the App Runner account");
    });

    it("names every role the prod program creates with the prefix the deploy role may manage", async function () {
        this.timeout(60_000);
        const run = await runStack("prod", atHarden);
        const roles = run.mocks.resources.filter((r) => r.type === ROLE);
        assert.ok(roles.length >= 2);
        for (const role of roles) {
            const system = String(role.provider).includes("::ecs-account::") ? "ecs" : "apprunner";
            assert.ok(role.name.startsWith(PROGRAM_ROLE_PREFIX[system]), `${role.name} (${system})`);
        }
    });

    it("lets the deploy roles manage only the secrets the program stores, under the prod services' names", async function () {
        this.timeout(60_000);
        const deploy = doc(named(resources, POLICY, "github-egress-remediation-deploy"), "policy").Statement;
        const stored = deploy.find((s) => s.Sid === "StoredSecrets")!;
        assert.strictEqual(stored.Resource, "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava-backend/*");
        for (const action of ["secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret"])
            assert.ok(actions(stored).includes(action), action);
        const ecs = doc(named(resources, POLICY, "github-egress-remediation-deploy-ecs"), "policy").Statement;
        assert.strictEqual(ecs.find((s) => s.Sid === "StoredSecrets")?.Resource, "arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker/*");
        // No statement outside that prefix can read a secret's value.
        for (const statement of [...deploy, ...ecs].filter((s) => s.Sid !== "StoredSecrets")) {
            assert.ok(!actions(statement).includes("secretsmanager:GetSecretValue"), String(statement.Sid));
        }
        // The prefixes are the prod program's: every secret it would store falls under them.
        const config = stackFileConfig("prod") as Record<string, any>;
        atHarden(config);
        config["egress-remediation:secretValues"] = { A: "x", B: "y" };
        config["egress-remediation:appRunner"].service.secrets.A = "secretValues.A";
        config["egress-remediation:ecs"].api.secrets = { B: "secretValues.B" };
        const run = await runProgram(config, {
            stack: "prod",
            lookups: lookupsFromConfig(projectConfig(config)),
            secretKeys: ["egress-remediation:secretValues"],
        });
        const secrets = run.mocks.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret");
        assert.strictEqual(secrets.length, 2);
        for (const secret of secrets) {
            const system = String(secret.provider).includes("::ecs-account::") ? "ecs" : "apprunner";
            assert.ok(String(secret.inputs.name).startsWith(STORED_SECRET_PREFIX[system]), `${secret.inputs.name} (${system})`);
        }
    });

    it("uses an existing OIDC provider instead of creating a second one, and a preview environment when asked", async () => {
        const existing = "arn:aws:iam::566287346479:oidc-provider/token.actions.githubusercontent.com";
        const again = await runBootstrap({ ...BASE, github: { repository: REPO, existingOidcProviderArn: existing, previewSubject: "environment:preview" } });
        assert.ok(!again.some((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider"));
        const [statement] = doc(named(again, ROLE, "github-egress-remediation-preview"), "assumeRolePolicy").Statement as unknown as Record<string, any>[];
        assert.strictEqual(statement.Principal.Federated, existing);
        assert.strictEqual(statement.Condition.StringEquals["token.actions.githubusercontent.com:sub"], `repo:${REPO}:environment:preview`);
    });

    it("refuses bad config with one line per key, naming what is allowed", () => {
        const result = parseBootstrapConfig({ ...BASE, github: { repository: "acme", previewSubject: "push" }, ecsAccount: undefined });
        assert.ok(!result.ok);
        assert.deepStrictEqual(result.problems, [
            `${NAMESPACE}:github.repository must be owner/name, e.g. acme/egress-remediation; got "acme"`,
            `${NAMESPACE}:github.previewSubject must be pull_request or environment:<name>; got "push"`,
            `${NAMESPACE}:ecsAccount is required`,
        ]);
    });
});
