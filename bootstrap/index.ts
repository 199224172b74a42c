// Run once per pair of accounts by an administrator (`pulumi up --cwd bootstrap`): the GitHub OIDC
// provider and the four roles .github/workflows/infrastructure.yml assumes. See the README, "CI".
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BootstrapConfig, NAMESPACE, parseBootstrapConfig } from "./config";
import { deployPolicy, previewPolicy, System } from "./permissions";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, githubOidcTrust, roleTrust } from "./trust";

function loadConfig(): BootstrapConfig {
    const prefix = `${NAMESPACE}:`;
    const raw = Object.fromEntries(
        Object.entries(pulumi.runtime.allConfig())
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => {
                try {
                    return [key.slice(prefix.length), JSON.parse(value)];
                } catch {
                    return [key.slice(prefix.length), value];
                }
            }),
    );
    const parsed = parseBootstrapConfig(raw);
    if (!parsed.ok) throw new pulumi.RunError(parsed.problems.join("\n"));
    return parsed.config;
}

const config = loadConfig();
const tags = { ManagedBy: "pulumi", Project: "egress-remediation-bootstrap" };
const providerFor = (name: string, account: BootstrapConfig["apprunnerAccount"]) =>
    new aws.Provider(name, { region: account.region as aws.Region, allowedAccountIds: [account.id], profile: account.profile, defaultTags: { tags } });
const apprunnerProvider = providerFor("apprunner-account", config.apprunnerAccount);
const ecsProvider = providerFor("ecs-account", config.ecsAccount);

const oidcProviderArn: pulumi.Input<string> =
    config.github.existingOidcProviderArn ??
    new aws.iam.OpenIdConnectProvider(
        "github",
        // AWS trusts GitHub's issuer through its own CA store, so no thumbprint is pinned here.
        { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [GITHUB_OIDC_AUDIENCE] },
        { provider: apprunnerProvider },
    ).arn;

const scope = (system: System) => {
    const account = system === "apprunner" ? config.apprunnerAccount : config.ecsAccount;
    return { accountId: account.id, region: account.region };
};
const json = (doc: unknown) => JSON.stringify(doc);

function ciRole(kind: "preview" | "deploy", subjects: readonly string[]) {
    const base = `github-egress-remediation-${kind}`;
    const ecsRoleArn = `arn:aws:iam::${config.ecsAccount.id}:role/${base}-ecs`;
    const policy = kind === "preview" ? previewPolicy : deployPolicy;
    const role = new aws.iam.Role(
        base,
        {
            name: base,
            description: `GitHub Actions ${kind} for ${config.github.repository} (${subjects.join(", ")})`,
            assumeRolePolicy: pulumi.output(oidcProviderArn).apply((arn) => json(githubOidcTrust(arn, config.github.repository, subjects))),
            maxSessionDuration: 3600,
        },
        { provider: apprunnerProvider },
    );
    new aws.iam.RolePolicy(
        base,
        { role: role.name, policy: json(policy("apprunner", scope("apprunner"), { state: config.state, assumeRoleArn: ecsRoleArn })) },
        { provider: apprunnerProvider },
    );
    const ecsRole = new aws.iam.Role(
        `${base}-ecs`,
        {
            name: `${base}-ecs`,
            description: `Assumed from ${base} in ${config.apprunnerAccount.id}`,
            assumeRolePolicy: role.arn.apply((arn) => json(roleTrust(arn))),
            maxSessionDuration: 3600,
        },
        { provider: ecsProvider },
    );
    new aws.iam.RolePolicy(`${base}-ecs`, { role: ecsRole.name, policy: json(policy("ecs", scope("ecs"))) }, { provider: ecsProvider });
    return { role, ecsRole };
}

// The daily drift job (.github/workflows/drift.yml: verify and a refreshing preview) runs on main outside any
// environment; with a preview environment it runs in that environment instead, whose subject is trusted already.
const DRIFT_SUBJECT = "ref:refs/heads/main";
const preview = ciRole("preview", config.github.previewSubject === "pull_request" ? ["pull_request", DRIFT_SUBJECT] : [config.github.previewSubject]);
const deploy = ciRole("deploy", [`environment:${config.github.productionEnvironment}`]);

// Repository (preview) and `production` environment (deploy) variables of the workflow.
export const AWS_PREVIEW_ROLE_ARN = preview.role.arn;
export const AWS_ECS_PREVIEW_ROLE_ARN = preview.ecsRole.arn;
export const AWS_DEPLOY_ROLE_ARN = deploy.role.arn;
export const AWS_ECS_DEPLOY_ROLE_ARN = deploy.ecsRole.arn;
