import { Region } from "@pulumi/aws/types/enums";
import type { RedisEngine } from "./types";

/**
 * Regions the AWS platform can run in: the provider's own list of regions, in the `aws` partition. China and
 * GovCloud (and the isolated regions) use other endpoints and ARNs than the ones the stack builds (the RDS trust
 * bundle from `truststore.pki.rds.amazonaws.com`, `arn:aws:` documents).
 */
export const AWS_REGIONS: readonly string[] = [...new Set(Object.values(Region))]
    .filter((region) => !/^(cn-|us-gov-|us-iso)/.test(region))
    .sort();

/**
 * RDS PostgreSQL major versions the stack runs: RDS offers each, psql 15+ runs the role script against each, and the
 * parameter group family is `postgres<major>`. When RDS adds a major, add it here.
 */
export const RDS_POSTGRES_MAJORS: readonly number[] = [13, 14, 15, 16, 17, 18];

/**
 * ElastiCache engine versions the stack runs, each with its parameter group family. Only versions with in-transit
 * encryption mode `required` (Redis OSS 7.0.5 and later, every Valkey), which the stack sets; ElastiCache picks the
 * latest patch of the `major.minor` given.
 */
export const ELASTICACHE_VERSIONS: Readonly<Record<RedisEngine, Readonly<Record<string, string>>>> = {
    redis: { "7.0": "redis7", "7.1": "redis7" },
    valkey: { "7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8" },
};
