/** GitHub's OIDC issuer, and the audience configure-aws-credentials asks for. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly Record<string, unknown>[];
}

/**
 * Trust for a role GitHub's OIDC token may assume: only this repository, only the given subjects
 * (`pull_request`, `ref:refs/heads/main`, or `environment:production`, which GitHub issues only to jobs
 * that passed the environment's protection rules), and only for STS. Exact matches: no wildcard in `sub`.
 */
export function githubOidcTrust(providerArn: string, repository: string, subject: string | readonly string[]): PolicyDocument {
    const subjects = (typeof subject === "string" ? [subject] : subject).map((s) => `repo:${repository}:${s}`);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
                    },
                },
            },
        ],
    };
}

/** Trust for a role in the other account that exactly one role may assume. */
export function roleTrust(roleArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: roleArn }, Action: "sts:AssumeRole" }],
    };
}
