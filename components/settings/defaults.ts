import type { AwsSettings, EdgeSettings, Environment, ResourceLimits, TlsVersion, WorkloadName } from "./types";
import { ConfigReader } from "./validate";
import { readConfig } from "./walk";

// Every default is in the settings schema (components/settings/schema), next to its key. These are re-exported where
// other modules have always imported them from.
export { DEFAULT_REDIS_ENGINE_VERSIONS } from "./schema/aws";
export { DEFAULT_RUNBOOK_URL } from "./schema/observability";
export { DEFAULT_IMAGES } from "./schema/workloads";

/** Defaults that differ by environment; every one of them can be overridden in the stack file. */
export interface EnvironmentDefaults {
    readonly resources: Readonly<Record<WorkloadName, ResourceLimits>>;
    readonly edge: Omit<EdgeSettings, "acmeEmail">;
    readonly tlsMinVersion: TlsVersion;
    readonly postgres: { maxConnections: number; sharedBuffersMiB: number; effectiveCacheSizeMiB: number; workMemMiB: number };
    readonly redisMaxmemoryMiB: number;
    readonly protectStateful: boolean;
    /** AWS platform defaults; the region has none (it is required). */
    readonly aws: Omit<AwsSettings, "region">;
}

/** The defaults of one environment: what the schema reads for a stack of it that sets nothing else. */
export function environmentDefaults(environment: Environment): EnvironmentDefaults {
    const { values: d } = readConfig({ project: "defaults", stack: environment, values: { environment }, secretKeys: new Set() }, new ConfigReader("defaults"));
    const { maxConnections, sharedBuffersMiB, effectiveCacheSizeMiB, workMemMiB } = d.postgres;
    const { availabilityZones, vpcCidr, postgres, redis, api, logRetentionDays, pullThroughCache } = d.aws;
    return {
        resources: d.resources,
        edge: d.edge,
        tlsMinVersion: d.tls.minVersion,
        postgres: { maxConnections, sharedBuffersMiB, effectiveCacheSizeMiB, workMemMiB },
        redisMaxmemoryMiB: d.redis.maxmemoryMiB,
        protectStateful: environment === "production",
        aws: { availabilityZones, vpcCidr, postgres, redis, api, logRetentionDays, pullThroughCache },
    };
}
