/** A problem with one field of some input, phrased without the field's path so callers can prefix it. */
export interface FieldProblem {
    readonly field: string;
    /** What is allowed and what was given, without the field name. */
    readonly message: string;
}

export function formatProblem(keyPrefix: string, problem: FieldProblem): string {
    return `\`${keyPrefix}.${problem.field}\` ${problem.message}`;
}
