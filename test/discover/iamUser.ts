/**
 * An IAM user in `account` allowed `actions` only, made through moto's IAM query API with
 * moto's account header (IAM enforcement is still off while it is created).
 */
export async function iamUserWith(
    endpoint: string,
    account: string,
    name: string,
    actions: string[],
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    const iam = async (params: Record<string, string>): Promise<string> => {
        const response = await fetch(endpoint, {
            method: "POST",
            headers: {
                "content-type": "application/x-www-form-urlencoded",
                "x-moto-account-id": account,
                authorization: "AWS4-HMAC-SHA256 Credential=seed/20260101/us-east-1/iam/aws4_request",
            },
            body: new URLSearchParams({ Version: "2010-05-08", ...params }).toString(),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`moto IAM ${params.Action}: ${response.status} ${text.slice(0, 300)}`);
        return text;
    };
    await iam({ Action: "CreateUser", UserName: name });
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] };
    await iam({ Action: "PutUserPolicy", UserName: name, PolicyName: "discover", PolicyDocument: JSON.stringify(policy) });
    const key = await iam({ Action: "CreateAccessKey", UserName: name });
    const field = (tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(key)?.[1] ?? "";
    return { accessKeyId: field("AccessKeyId"), secretAccessKey: field("SecretAccessKey") };
}
