import type { CheckInput } from "./check";
import type { ConfigReader } from "../validate";

/** Early renewal falls within a certificate's life, and no certificate outlives the CA that signed it. */
export function checkTlsValidity(r: ConfigReader, { values, ctx }: CheckInput): void {
    const tls = values.tls;
    if (tls.earlyRenewalDays >= tls.certValidityDays) {
        r.conflict(`\`${ctx.project}:tls.earlyRenewalDays\` (${tls.earlyRenewalDays}) must be less than \`tls.certValidityDays\` (${tls.certValidityDays}).`);
    }
    // Clients stop trusting a certificate when its CA expires.
    if (tls.caValidityDays <= tls.certValidityDays) {
        r.conflict(`\`${ctx.project}:tls.caValidityDays\` (${tls.caValidityDays}) must be greater than \`tls.certValidityDays\` (${tls.certValidityDays}): a certificate would outlive the CA that signed it.`);
    }
}

/** Production accepts TLS 1.3 only (reported after the validity periods, where it always was). */
export function checkTlsInProduction(r: ConfigReader, { values, ctx }: CheckInput): void {
    if (ctx.environment === "production" && values.tls.minVersion !== "1.3") r.fail("tls.minVersion", ctx.raw("tls.minVersion"), "`1.3` in production");
}

/** PostgreSQL's shared buffers and a query's work memory fit the container's memory limit. */
export function checkPostgresMemory(r: ConfigReader, { values, ctx }: CheckInput): void {
    const limit = values.resources.postgres.memoryMiB;
    for (const [key, mib] of [["sharedBuffers", values.postgres.sharedBuffersMiB], ["workMem", values.postgres.workMemMiB]] as const) {
        if (mib >= limit) {
            r.conflict(`\`${ctx.project}:postgres.${key}\` (${mib}MiB) must be smaller than the PostgreSQL memory limit \`resources.postgres.memory\` (${limit}MiB).`);
        }
    }
}

/** Redis evicts before the kernel kills it: `maxmemory` stays below the container's limit. */
export function checkRedisMemory(r: ConfigReader, { values, ctx }: CheckInput): void {
    const limit = values.resources.redis.memoryMiB;
    if (values.redis.maxmemoryMiB >= limit) {
        r.conflict(`\`${ctx.project}:redis.maxmemory\` (${values.redis.maxmemoryMiB}MiB) must be smaller than the Redis memory limit \`resources.redis.memory\` (${limit}MiB), or the kernel kills Redis before it evicts.`);
    }
}
