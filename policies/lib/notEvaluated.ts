// The engine has one "not evaluated" outcome: a policy that throws its UnknownValueError is shown
// as "can't run policy … during preview: <message>" at advisory level, and the offline evaluator
// lists it under notEvaluated. Throw only after every report, so the findings made are kept.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError, unknownStringValue } = require("@pulumi/policy/proxy") as {
    UnknownValueError: new (sentinel: string, path: string[]) => Error;
    unknownStringValue: string;
};

export function notEvaluated(reason: string): never {
    const error = new UnknownValueError(unknownStringValue, []);
    error.message = reason;
    throw error;
}
