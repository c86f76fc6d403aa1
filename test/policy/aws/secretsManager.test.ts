import { AWS } from "../../../policy/lib/awsTypes";
import { requireSecretsManagerKms } from "../../../policy/policies/aws/secretsManager";
import { resource, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const smSecret = resource(AWS.secret, "stack-db-password", { kmsKeyId: "arn:aws:kms:eu-west-1:1:key/abc" });
specifyResourcePolicy(requireSecretsManagerKms, smSecret, [
    { when: "the secret uses the default key", input: withInput(smSecret, "kmsKeyId", undefined), violations: [/default key/] },
]);
