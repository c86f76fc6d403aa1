import { AWS } from "../../../policy/lib/awsTypes";
import { requireElasticacheAuthTokenSet, requireElasticacheEncryption, requireElasticacheFailover } from "../../../policy/policies/aws/elasticache";
import { changed, resource, secret, UNKNOWN, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const cache = resource(AWS.replicationGroup, "stack-redis", {
    description: "redis", engine: "redis", atRestEncryptionEnabled: true, transitEncryptionEnabled: true, authToken: secret("token-0123456789abcdef"),
    automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 2,
});
specifyResourcePolicy(requireElasticacheEncryption, cache, [
    { when: "encryption at rest is off", input: withInput(cache, "atRestEncryptionEnabled", false), violations: [/at rest is off/] },
    { when: "encryption in transit and auth are missing", input: changed(cache, (i) => { delete i.transitEncryptionEnabled; delete i.authToken; }), violations: [/in transit is off/, /No authentication/] },
    { when: "authentication uses an RBAC user group", input: changed(cache, (i) => { delete i.authToken; i.userGroupIds = ["stack-users"]; }) },
    { when: "the auth token is unknown during preview", input: withInput(cache, "authToken", UNKNOWN.string) },
]);
specifyResourcePolicy(requireElasticacheAuthTokenSet, withInput(cache, "authTokenUpdateStrategy", "SET"), [
    { when: "a rotation is left at ROTATE", input: withInput(cache, "authTokenUpdateStrategy", "ROTATE"), violations: [/ROTATE: the previous token is still accepted/] },
    { when: "no strategy is set", input: cache },
    { when: "the strategy is unknown during preview", input: withInput(cache, "authTokenUpdateStrategy", UNKNOWN.string) },
]);
specifyResourcePolicy(requireElasticacheFailover, cache, [
    { when: "failover and Multi-AZ are off", input: changed(cache, (i) => { i.automaticFailoverEnabled = false; delete i.multiAzEnabled; }), violations: [/Automatic failover is off/, /Multi-AZ is off/] },
]);
