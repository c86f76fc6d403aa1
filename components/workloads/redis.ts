import { RedisConfInput, renderRedisAuthConf, renderRedisConf } from "../render/redis";
import type { StackSettings } from "../settings/types";
import { CONFIG_PATHS, SECRET_FILES, WORKLOAD_NAMES, WorkloadSpecs } from "./catalogue";
import { sharedFile, tlsFiles, WorkloadContext, WorkloadDescription } from "./description";
import { config, secret } from "./files";

/** What redis.conf is rendered from. */
export function redisConfInput(settings: StackSettings, specs: WorkloadSpecs): RedisConfInput {
    return { port: specs.redis.port, tls: specs.redis.tls, minVersion: settings.tls.minVersion, memory: settings.redis };
}

/**
 * Redis speaking TLS only, its password in a separate secret include, its data on a volume of its own. The Docker
 * platform runs it; on AWS, ElastiCache is Redis (platforms/aws/Redis.ts).
 */
export function redisWorkload({ settings, specs, generated, selfHost }: WorkloadContext): WorkloadDescription {
    const spec = specs.redis;
    return {
        name: WORKLOAD_NAMES.redis,
        certificate: "redis",
        image: settings.images.redis,
        user: spec.user,
        limits: settings.resources.redis,
        command: ["redis-server", CONFIG_PATHS.redisConf],
        ports: [spec.port],
        files: [
            config(CONFIG_PATHS.redisConf, renderRedisConf(redisConfInput(settings, specs))),
            secret(SECRET_FILES.redisAuthConf, generated.redisPassword.result.apply(renderRedisAuthConf)),
            sharedFile("redisPassword"),
            ...tlsFiles(spec.tls),
        ],
        volumes: [{ volume: "redis-data", path: "/data", owns: "state" }],
        // The password travels in REDISCLI_AUTH, read from its file, so it never shows in the process list.
        healthcheck: {
            test: ["CMD-SHELL", `REDISCLI_AUTH="$(cat ${SECRET_FILES.redisPassword})" redis-cli --tls --cacert ${spec.tls.ca} -h ${selfHost(spec)} -p ${spec.port} ping | grep -q PONG`],
            startPeriodSeconds: 20,
        },
        // SIGTERM makes Redis write its append-only file and a final snapshot before exiting.
        stop: { graceSeconds: 60 },
    };
}
