import { ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** Set, with the part's `--target` globs, for one part's update (docs/stages.md); the analyzer inherits the CLI's environment. */
export const PART_VARIABLE = "EGRESS_REMEDIATION_PART";

/**
 * A targeted update of one part (docs/stages.md) still hands the pack every resource the program
 * declares. For one it does not target and never created, the engine stubs Check with the old
 * inputs, which are none (pkg/resource/deploy/step_generator.go), so the pack sees a resource with no
 * properties at all: the other part's next stage, which that part's own update judges. Judging it
 * here would fail this part's update on, say, "an ECS service without a circuit breaker" that does not
 * exist yet. Only during a part's update: anywhere else (an untargeted preview, `plan`, `check`) a
 * resource declared with no inputs is judged like any other (a log group with none keeps logs forever).
 */
export function untargetedAndUncreated(properties: Record<string, unknown> | undefined, environment: NodeJS.ProcessEnv = process.env): boolean {
    return !!environment[PART_VARIABLE] && (!properties || Object.keys(properties).length === 0);
}

/** The policy, skipping those resources (see above); stack policies get the others only. */
export function skippingUncreated(policy: ResourceValidationPolicy | StackValidationPolicy): ResourceValidationPolicy | StackValidationPolicy {
    if ("validateResource" in policy && policy.validateResource) {
        const guard = (validate: ResourceValidation): ResourceValidation =>
            // Object.assign keeps the type markers (__pulumiType, __resourceTypes) the engine and evaluator read.
            Object.assign(
                (args: ResourceValidationArgs, report: ReportViolation) => (untargetedAndUncreated(args.props) ? undefined : validate(args, report)),
                validate,
            );
        const validateResource = Array.isArray(policy.validateResource) ? policy.validateResource.map(guard) : guard(policy.validateResource);
        return { ...policy, validateResource } as ResourceValidationPolicy;
    }
    const stackPolicy = policy as StackValidationPolicy;
    return {
        ...stackPolicy,
        validateStack: (args, report) =>
            stackPolicy.validateStack({ ...args, resources: args.resources.filter((r) => !untargetedAndUncreated(r.props)) }, report),
    };
}
