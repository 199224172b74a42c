import { Policy, ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/**
 * A recorded exemption: one policy, one exact resource (its URN), why, and until when. It lives in the
 * reviewed pack config (policies/exemptions.json, passed as `--policy-pack-config`), so adding or
 * extending one is a reviewed change; past `expires` the policy applies again.
 */
export interface Exemption {
    readonly resource: string;
    readonly reason: string;
    /** YYYY-MM-DD, inclusive (UTC). */
    readonly expires: string;
}

export const EXEMPTIONS_SCHEMA = {
    type: "array",
    default: [],
    description: "Recorded exemptions: { resource (exact URN), reason, expires (YYYY-MM-DD, inclusive, UTC) }; past expiry the policy applies again.",
    items: {
        type: "object",
        required: ["resource", "reason", "expires"],
        additionalProperties: false,
        properties: {
            resource: { type: "string", pattern: "^urn:pulumi:" },
            reason: { type: "string", minLength: 1 },
            expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        },
    },
} as const;

/** The day an exemption ends (inclusive), or undefined for a date that does not exist (never in force). */
function lastDay(expires: string): number | undefined {
    const day = Date.parse(`${expires}T00:00:00Z`);
    if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== expires) return undefined;
    return day;
}

/** Whether an exemption for `urn` is in force on `today` (UTC midnight of the current day by default). */
export function exemptionInForce(exemptions: readonly Exemption[] | undefined, urn: string | undefined, now: number = Date.now()): Exemption | undefined {
    if (!urn) return undefined;
    const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
    return (exemptions ?? []).find((e) => {
        const end = lastDay(e.expires);
        return e.resource === urn && end !== undefined && today <= end;
    });
}

interface ExemptionConfig {
    exemptions?: Exemption[];
}

function withSchema<T extends Policy>(policy: T): T {
    const schema = policy.configSchema ?? { properties: {} };
    return { ...policy, configSchema: { ...schema, properties: { ...schema.properties, exemptions: EXEMPTIONS_SCHEMA } } };
}

/** The policy, skipping each resource an exemption in force names (its reports about that resource are dropped). */
export function withExemptions(policy: ResourceValidationPolicy | StackValidationPolicy): ResourceValidationPolicy | StackValidationPolicy {
    if ("validateResource" in policy && policy.validateResource) {
        const guard = (validate: ResourceValidation): ResourceValidation =>
            // Object.assign keeps the type markers (__pulumiType, __resourceTypes) the engine and evaluator read.
            Object.assign((args: ResourceValidationArgs, report: ReportViolation) => {
                if (exemptionInForce(args.getConfig<ExemptionConfig>().exemptions, args.urn)) return;
                return validate(args, report);
            }, validate);
        const validateResource = Array.isArray(policy.validateResource) ? policy.validateResource.map(guard) : guard(policy.validateResource);
        return withSchema({ ...policy, validateResource } as ResourceValidationPolicy);
    }
    const stackPolicy = policy as StackValidationPolicy;
    return withSchema({
        ...stackPolicy,
        validateStack: (args, report) => {
            const { exemptions } = args.getConfig<ExemptionConfig>();
            return stackPolicy.validateStack(args, (message, urn) => {
                if (!exemptionInForce(exemptions, urn)) report(message, urn);
            });
        },
    });
}
