import { z } from "zod";

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1");
const account = z.strictObject({
    id: accountId,
    region,
    /** A named profile with administrator rights in that account; ambient credentials when omitted. */
    profile: z.string().min(1).optional(),
});

export const bootstrapSchema = z.strictObject({
    github: z.strictObject({
        /** `owner/name` of the repository whose workflow may assume the roles. */
        repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name, e.g. acme/egress-remediation"),
        /** The environment whose jobs may deploy; give it required reviewers and the main branch only. */
        productionEnvironment: z
            .string()
            .regex(/^[A-Za-z0-9_.-]{1,255}$/, "must be a GitHub environment name")
            .default("production"),
        /**
         * Who may preview. `pull_request`: the repository's pull-request jobs with no environment (S3
         * backend with an AWS KMS secrets provider: no Pulumi secret needed). `environment:preview`:
         * jobs in that environment (Pulumi Cloud or a passphrase, kept in the environment).
         */
        previewSubject: z
            .string()
            .regex(/^(pull_request|environment:[A-Za-z0-9_.-]{1,255})$/, "must be pull_request or environment:<name>")
            .default("pull_request"),
        /** An account holds one provider per URL; pass its ARN when token.actions.githubusercontent.com already exists. */
        existingOidcProviderArn: z
            .string()
            .regex(/^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, "must be the ARN of the GitHub OIDC provider")
            .optional(),
    }),
    /** The App Runner account (OIDC roles live here) and the ECS account (roles assumed from them). */
    apprunnerAccount: account,
    ecsAccount: account,
    /** The DIY state backend and its secrets key; omit for Pulumi Cloud. */
    state: z
        .strictObject({
            bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
            kmsKeyArn: z
                .string()
                .regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>)"),
        })
        .optional(),
});

export type BootstrapConfig = z.infer<typeof bootstrapSchema>;

export const NAMESPACE = "egress-remediation-bootstrap";

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);
}

/** Parses the project's config (`github`, `apprunnerAccount`, …); every problem is one line naming the key and what is allowed. */
export function parseBootstrapConfig(raw: Record<string, unknown>): { ok: true; config: BootstrapConfig } | { ok: false; problems: string[] } {
    const result = bootstrapSchema.safeParse(raw);
    if (result.success) return { ok: true, config: result.data };
    return {
        ok: false,
        problems: result.error.issues.map((issue) => {
            const [top, ...rest] = issue.path.map(String);
            const key = `${NAMESPACE}:${top ?? ""}${rest.length ? "." + rest.join(".") : ""}`;
            const got = valueAt(raw, issue.path);
            if (issue.code === "invalid_type" && got === undefined) return `${key} is required`;
            if (issue.code === "unrecognized_keys") return `${key} has unknown key(s) ${issue.keys.join(", ")}`;
            return `${key} ${issue.message.replace(/^Invalid (input|string): /, "")}; got ${JSON.stringify(got)}`;
        }),
    };
}
