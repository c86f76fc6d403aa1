import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { onTypes } from "../../lib/validations";
import { field, items, readable, text, UNREADABLE } from "../../lib/values";

/** Type token of an EFS file system (@pulumi/aws v7). */
export const EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem";

interface EfsVolume {
    name?: string;
    efsVolumeConfiguration?: { transitEncryption?: string };
}

/**
 * Requires EFS data encrypted at rest with a customer-managed KMS key, and in transit wherever an ECS task mounts it:
 * the file systems hold the services' state (Prometheus's TSDB, Grafana's database, Alertmanager's silences).
 */
export const requireEfsEncryption: ResourceValidationPolicy = {
    name: "require-efs-encryption",
    description: "EFS file systems are encrypted at rest with a KMS key (`encrypted`, `kmsKeyId`), and every ECS task volume that mounts EFS encrypts in transit (`transitEncryption: ENABLED`).",
    remediationSteps: "Set `encrypted: true` and `kmsKeyId` to the stack's KMS key on the file system (an existing one must be replaced: EFS cannot encrypt in place), and `efsVolumeConfiguration.transitEncryption: \"ENABLED\"` on each task definition volume that mounts it.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ encrypted?: boolean; kmsKeyId?: string; volumes?: EfsVolume[] }>([EFS_FILE_SYSTEM, AWS.taskDefinition], (props, args, report) => {
        if (args.type === EFS_FILE_SYSTEM) {
            if (props.encrypted !== true) report("The file system is not encrypted at rest (`encrypted`).");
            else if (!field(() => props.kmsKeyId)) report("The file system is encrypted with the account's default key, not the stack's KMS key (`kmsKeyId`).");
            return;
        }
        for (const volume of readable(items(() => props.volumes))) {
            const efs = field(() => volume.efsVolumeConfiguration);
            if (efs === UNREADABLE || efs === undefined || efs === null) continue;
            const transit = text(field(() => efs.transitEncryption));
            if (transit !== UNREADABLE && transit !== "ENABLED") report(`Volume ${volume.name ?? "?"} mounts EFS without encryption in transit (\`transitEncryption\` is ${transit ?? "unset, which is DISABLED"}).`);
        }
    }),
};
