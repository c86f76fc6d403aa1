import { AWS } from "../../../policy/lib/awsTypes";
import { disallowPublicRds, requireRdsBackups, requireRdsDeletionProtection, requireRdsEncryption, requireRdsForceSsl, requireRdsMultiAz } from "../../../policy/policies/aws/rds";
import { changed, resource, UNKNOWN, withInput } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const db = resource(AWS.rdsInstance, "stack-postgres", {
    engine: "postgres", engineVersion: "18.1", instanceClass: "db.t4g.medium", storageEncrypted: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc",
    publiclyAccessible: false, backupRetentionPeriod: 14, deletionProtection: true, multiAz: true, parameterGroupName: "stack-postgres18",
});

specifyResourcePolicy(requireRdsEncryption, db, [
    { when: "storage is unencrypted", input: withInput(db, "storageEncrypted", false), violations: [/not encrypted/] },
    { when: "an Aurora cluster leaves encryption unset", input: resource(AWS.rdsCluster, "stack-aurora", { engine: "aurora-postgresql" }), violations: [/not encrypted/] },
]);
specifyResourcePolicy(disallowPublicRds, db, [
    { when: "the instance is public", input: withInput(db, "publiclyAccessible", true), violations: [/publicly accessible/] },
]);
specifyResourcePolicy(requireRdsBackups, db, [
    { when: "backups are kept 3 days", input: withInput(db, "backupRetentionPeriod", 3), violations: [/kept 3 days; at least 7/] },
    { when: "backups are not configured", input: withInput(db, "backupRetentionPeriod", undefined), violations: [/kept 0 days/] },
    { when: "14 days fall short of a 30-day requirement", input: db, config: { minRetentionDays: 30 }, violations: [/at least 30/] },
]);
specifyResourcePolicy(requireRdsDeletionProtection, db, [
    { when: "deletion protection is off", input: withInput(db, "deletionProtection", false), violations: [/Deletion protection is off/] },
]);
specifyResourcePolicy(requireRdsMultiAz, db, [
    { when: "the instance is single-AZ", input: withInput(db, "multiAz", undefined), violations: [/single-AZ/] },
]);

const params = resource(AWS.rdsParameterGroup, "stack-postgres18", { family: "postgres18", parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }, { name: "log_min_duration_statement", value: "500" }] });
specifyResourcePolicy(requireRdsForceSsl, params, [
    { when: "force_ssl is 0", input: changed(params, (i) => { i.parameters[0].value = "0"; }), violations: [/is 0; it must be 1/] },
    { when: "force_ssl is not set", input: changed(params, (i) => { i.parameters.shift(); }), violations: [/is not set/] },
    { when: "the group is for MySQL", input: withInput(params, "family", "mysql8.0"), notApplicable: /not a PostgreSQL parameter group/ },
    { when: "the value is unknown during preview", input: changed(params, (i) => { i.parameters[0].value = UNKNOWN.string; }) },
]);
