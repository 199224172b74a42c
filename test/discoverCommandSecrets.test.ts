import * as assert from "assert";
import { describeSecretArguments, secretArguments } from "../tools/discover/secretLooking";

/** A recognisable canary: a reason must never quote it. */
const CANARY = "CanaryT0kenQz7Xw2Lp9Rv4Nm8Kd3Hs";

describe("discover: secret-looking command arguments", () => {
    it("finds a NAME=value part inside a sh -c string, by the argument's index", () => {
        const found = secretArguments(["sh", "-c", `API_TOKEN=${CANARY} exec uvicorn app.main:app`]);
        assert.deepStrictEqual(found, [{ index: 2, reason: "a NAME=value part where its name contains TOKEN" }]);
    });

    it("finds a --flag=value whose name is secret, even with a short plain value", () => {
        assert.deepStrictEqual(secretArguments(["app", "--db-password=hunter2"]), [
            { index: 1, reason: "a --flag=value part where its name contains PASSWORD" },
        ]);
    });

    it("finds the value after a secret-named flag, and after an authorization scheme", () => {
        assert.deepStrictEqual(secretArguments(["app", "--db-password", "hunter2", "--port", "8000"]), [
            { index: 2, reason: "it follows the flag --db-password, where its name contains PASSWORD" },
        ]);
        assert.deepStrictEqual(secretArguments(["curl", "-H", "Authorization: Bearer abc"]), [
            { index: 2, reason: "it follows the authorization scheme Bearer" },
        ]);
    });

    it("finds credential formats and random-looking tokens whatever surrounds them", () => {
        assert.deepStrictEqual(secretArguments(["app", "--dsn", "postgres://u:hunter2@db:5432/x"]), [
            { index: 2, reason: "its value is a URL with a password" },
        ]);
        assert.deepStrictEqual(secretArguments(["worker", CANARY]), [{ index: 1, reason: "its value is a long random-looking string" }]);
        assert.deepStrictEqual(secretArguments(["sh", "-c", "deploy AKIAIOSFODNN7EXAMPLE && run"]), [
            { index: 2, reason: "its value has the format of an AWS access key id" },
        ]);
    });

    it("passes ordinary commands, and shell variables standing for a secret", () => {
        for (const command of [
            ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
            ["python", "-m", "app.worker"],
            ["sh", "-c", "DB_PASSWORD=$DB_PASSWORD exec app --workers=4"],
            ["app", "--api-key", "${API_KEY}"],
            ["gunicorn", "-w", "4", "-b", "0.0.0.0:8000", "app:create_app()"],
        ])
            assert.deepStrictEqual(secretArguments(command), [], command.join(" "));
    });

    it("describes findings by index and reason, never by value", () => {
        const text = describeSecretArguments(secretArguments(["sh", "-c", `TOKEN=${CANARY} app`, `--secret=${CANARY}`]));
        assert.strictEqual(
            text,
            "command[2] (a NAME=value part where its name contains TOKEN), command[3] (a --flag=value part where its name contains SECRET)",
        );
        assert.ok(!text.includes(CANARY));
    });
});
