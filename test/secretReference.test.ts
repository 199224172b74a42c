import * as assert from "assert";
import { resolveSecretReference, secretReferenceProblem } from "../components/secretReference";

const ACCOUNT = { id: "566287346479", region: "us-east-1" };
const PARTIAL = "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL";

describe("secret references", () => {
    it("grants a full ARN exactly and needs no lookup", () => {
        const full = `${PARTIAL}-a1B2c3`;
        assert.deepStrictEqual(resolveSecretReference(full, ACCOUNT), { service: "secretsmanager", fullArn: full, grant: full });
    });

    it("grants a partial ARN with the six-character wildcard AWS appends, and looks up the full ARN", () => {
        assert.deepStrictEqual(resolveSecretReference(PARTIAL, ACCOUNT), { service: "secretsmanager", lookup: { arn: PARTIAL }, grant: `${PARTIAL}-??????` });
    });

    it("turns a name into the account's and region's ARN pattern, in the region's partition", () => {
        assert.deepStrictEqual(resolveSecretReference("nerava/prod/REDIS_URL", ACCOUNT), {
            service: "secretsmanager",
            lookup: { name: "nerava/prod/REDIS_URL" },
            grant: "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/REDIS_URL-??????",
        });
        assert.match(resolveSecretReference("db", { id: "123456789012", region: "cn-north-1" }).grant, /^arn:aws-cn:secretsmanager:cn-north-1:/);
        assert.match(resolveSecretReference("db", { id: "123456789012", region: "us-gov-west-1" }).grant, /^arn:aws-us-gov:secretsmanager:us-gov-west-1:/);
    });

    it("keeps SSM parameter ARNs as they are", () => {
        const parameter = "arn:aws:ssm:us-east-1:566287346479:parameter/nerava/prod/TWILIO_TOKEN";
        assert.deepStrictEqual(resolveSecretReference(parameter, ACCOUNT), { service: "ssm", fullArn: parameter, grant: parameter });
    });

    it("refuses values that cannot be references without repeating them", () => {
        for (const value of ["postgresql://nerava_admin:hunter2@db:5432/nerava", "arn:aws:s3:::bucket", "pass word"]) {
            const problem = secretReferenceProblem(value);
            assert.ok(problem, value);
            assert.ok(!problem.includes(value) && !problem.includes("hunter2"), problem);
        }
        assert.strictEqual(secretReferenceProblem("nerava/prod/DATABASE_URL"), undefined);
        assert.strictEqual(secretReferenceProblem(PARTIAL), undefined);
    });
});
