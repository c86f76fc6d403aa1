import { requireEfsEncryption } from "../../../policy/policies/aws/efs";
import { changed, resource, UNKNOWN } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

const fileSystem = resource("aws:efs/fileSystem:FileSystem", "stack-cluster-efs", { encrypted: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc", performanceMode: "generalPurpose" });
const task = resource("aws:ecs/taskDefinition:TaskDefinition", "stack-grafana", {
    family: "grafana",
    volumes: [{ name: "grafana-etc" }, { name: "grafana-data", efsVolumeConfiguration: { fileSystemId: "fs-1", transitEncryption: "ENABLED", authorizationConfig: { accessPointId: "fsap-1", iam: "ENABLED" } } }],
});

specifyResourcePolicy(requireEfsEncryption, fileSystem, [
    { when: "the file system is not encrypted", input: changed(fileSystem, (i) => { i.encrypted = false; delete i.kmsKeyId; }), violations: [/^The file system is not encrypted at rest \(`encrypted`\)\.$/] },
    { when: "the file system uses the account's default key", input: changed(fileSystem, (i) => { delete i.kmsKeyId; }), violations: [/not the stack's KMS key/] },
    { when: "a task mounts EFS with encryption in transit disabled", input: changed(task, (i) => { i.volumes[1].efsVolumeConfiguration.transitEncryption = "DISABLED"; }), violations: [/^Volume grafana-data mounts EFS without encryption in transit \(`transitEncryption` is DISABLED\)\.$/] },
    { when: "a task mounts EFS without saying (the default is disabled)", input: changed(task, (i) => { delete i.volumes[1].efsVolumeConfiguration.transitEncryption; }), violations: [/`transitEncryption` is unset, which is DISABLED/] },
    { when: "a task mounts EFS encrypted in transit", input: task },
    { when: "the transit setting is unknown during preview", input: changed(task, (i) => { i.volumes[1].efsVolumeConfiguration.transitEncryption = UNKNOWN.string; }) },
]);
