import { databaseNameProblem, roleNameProblem } from "../sqlNames";
import { integer, key, memorySize, oneOf, text } from "./kinds";
import { ByEnvironment, group } from "./nodes";

/** PostgreSQL's database, role and tuning, and Redis's memory (on Docker; ElastiCache sizes itself by node type). */
export const DATA_TIER_KEYS = {
    postgres: group({
        // Both names reach SQL (quoted there), environment variables, connection URIs and RDS's DBName.
        database: key(text(), {
            default: "app",
            rules: [{ broken: databaseNameProblem }],
            type: "SQL name: a lower-case letter, then lower-case letters, digits or `_` (≤ 63); not a PostgreSQL reserved word, `postgres`, `template0`, `template1` or `rdsadmin`",
            meaning: "application database",
        }),
        appUser: key(text(), {
            default: "app",
            rules: [{ broken: roleNameProblem }],
            type: "SQL name as `postgres.database`; not a reserved word, `postgres`, `postgres_exporter`, `postgres_backup`, `stack_admin` (the RDS administrator), `public`, `none`, `pg_*` or `rds*`",
            meaning: "application role (owner of the database)",
        }),
        // The tuning the source documents run in production (max_connections 200, shared_buffers 2GB, …).
        maxConnections: key(integer(10, 5000), {
            default: new ByEnvironment({ local: 100, staging: 100, production: 200 }),
            meaning: "`max_connections`",
        }),
        sharedBuffers: key(memorySize(), {
            default: new ByEnvironment({ local: 128, staging: 128, production: 2048 }),
            field: "sharedBuffersMiB",
            meaning: "`shared_buffers` (must fit the memory limit)",
        }),
        effectiveCacheSize: key(memorySize(), {
            default: new ByEnvironment({ local: 384, staging: 384, production: 6144 }),
            field: "effectiveCacheSizeMiB",
            meaning: "`effective_cache_size`",
        }),
        workMem: key(memorySize(), {
            default: new ByEnvironment({ local: 4, staging: 4, production: 10 }),
            field: "workMemMiB",
            meaning: "`work_mem` (must fit the memory limit)",
        }),
        walLevel: key(oneOf(["replica", "logical"]), { default: "replica", meaning: "`wal_level`" }),
    }),
    redis: group({
        maxmemory: key(memorySize(), {
            default: new ByEnvironment({ local: 192, staging: 192, production: 768 }),
            field: "maxmemoryMiB",
            meaning: "`maxmemory` (must fit the memory limit)",
        }),
        maxmemoryPolicy: key(oneOf(["noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu"]), {
            default: "allkeys-lru",
            meaning: "`maxmemory-policy`",
        }),
    }),
};
