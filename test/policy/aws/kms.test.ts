import { AWS } from "../../../policy/lib/awsTypes";
import { requireKmsKeyRotation } from "../../../policy/policies/aws/kms";
import { changed, resource, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const kmsKey = resource(AWS.kmsKey, "stack-key", { enableKeyRotation: true, description: "stack" });
specifyResourcePolicy(requireKmsKeyRotation, kmsKey, [
    { when: "rotation is off", input: withInput(kmsKey, "enableKeyRotation", false), violations: [/rotation is off/] },
    { when: "the key is asymmetric", input: changed(kmsKey, (i) => { i.keySpec = "RSA_2048"; delete i.enableKeyRotation; }), notApplicable: /asymmetric/ },
]);
