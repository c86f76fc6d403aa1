import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "../../lib/awsTypes";
import { configOf } from "../../lib/config";
import { onTypes } from "../../lib/validations";
import { field, items, known, readable, text, UNREADABLE } from "../../lib/values";

interface RdsProps {
    storageEncrypted?: boolean;
    publiclyAccessible?: boolean;
    backupRetentionPeriod?: number;
    deletionProtection?: boolean;
    multiAz?: boolean;
    engine?: string;
}

/** Requires RDS instances and clusters to encrypt their storage (and so their snapshots and backups). */
export const requireRdsEncryption: ResourceValidationPolicy = {
    name: "require-rds-encryption",
    description: "RDS instances and clusters encrypt their storage (and so their snapshots and backups).",
    remediationSteps: "Set `storageEncrypted: true` (with `kmsKeyId` for a customer-managed key); an existing instance must be restored from an encrypted snapshot.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance, AWS.rdsCluster], (db, _args, report) => {
        if (db.storageEncrypted !== true) report("Storage is not encrypted (`storageEncrypted`).");
    }),
};

/** Forbids publicly accessible RDS instances. */
export const disallowPublicRds: ResourceValidationPolicy = {
    name: "disallow-public-rds",
    description: "RDS instances are not publicly accessible; only the services' security group reaches them.",
    remediationSteps: "Set `publiclyAccessible: false` and place the instance in private subnets.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance], (db, _args, report) => {
        if (db.publiclyAccessible === true) report("The instance is publicly accessible.");
    }),
};

/** Requires automated backups kept for at least `minRetentionDays`. */
export const requireRdsBackups: ResourceValidationPolicy = {
    name: "require-rds-backups",
    description: "RDS keeps automated backups for at least `minRetentionDays` days (7 by default).",
    remediationSteps: "Set `backupRetentionPeriod` on the instance or cluster to at least `minRetentionDays` (35 at most).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } } },
    validateResource: onTypes<RdsProps>([AWS.rdsInstance, AWS.rdsCluster], (db, args, report) => {
        const { minRetentionDays } = configOf(args, { minRetentionDays: 7 });
        // Both providers default to 1 day for clusters and 0 (none) for instances created by API.
        const days = Number(db.backupRetentionPeriod ?? 0);
        if (days < minRetentionDays) report(`Backups are kept ${days} days; at least ${minRetentionDays} required.`);
    }),
};

/** Requires deletion protection on RDS instances and clusters. */
export const requireRdsDeletionProtection: ResourceValidationPolicy = {
    name: "require-rds-deletion-protection",
    description: "RDS instances and clusters have deletion protection.",
    remediationSteps: "Set `deletionProtection: true` (and `protect: true` on the resource).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance, AWS.rdsCluster], (db, _args, report) => {
        if (db.deletionProtection !== true) report("Deletion protection is off.");
    }),
};

/** Requires Multi-AZ RDS instances, so a zone failure fails over instead of taking the database down. */
export const requireRdsMultiAz: ResourceValidationPolicy = {
    name: "require-rds-multi-az",
    description: "RDS instances run Multi-AZ, so a zone failure fails over instead of taking the database down.",
    remediationSteps: "Set `multiAz: true` on the instance (a standby in a second availability zone; the change causes a brief failover).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance], (db, _args, report) => {
        if (db.multiAz !== true) report("The instance is single-AZ.");
    }),
};

/** Requires PostgreSQL parameter groups to set `rds.force_ssl = 1`, so the database refuses connections without TLS. */
export const requireRdsForceSsl: ResourceValidationPolicy = {
    name: "require-rds-force-ssl",
    description: "PostgreSQL parameter groups set `rds.force_ssl = 1`, so the database refuses connections without TLS.",
    remediationSteps: "Add `{ name: \"rds.force_ssl\", value: \"1\" }` to the parameter group's `parameters`.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ family?: string; parameters?: { name: string; value: unknown }[] }>([AWS.rdsParameterGroup, AWS.rdsClusterParameterGroup], (group, args, report) => {
        const family = text(field(() => group.family));
        if (typeof family !== "string" || !/postgres/i.test(family)) args.notApplicable("not a PostgreSQL parameter group");
        const parameters = items(() => group.parameters);
        const forceSsl = readable(parameters).find((p) => text(field(() => p.name)) === "rds.force_ssl");
        const value = forceSsl ? text(field(() => forceSsl.value)) : undefined;
        // An unknown list (or element) may hold the setting: nothing can be called missing during preview.
        if (value === UNREADABLE || (!forceSsl && (known(() => group.parameters) === UNREADABLE || parameters.includes(UNREADABLE)))) return;
        if (value !== "1") report(`\`rds.force_ssl\` is ${value ?? "not set"}; it must be 1.`);
    }),
};
