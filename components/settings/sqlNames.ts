import { POSTGRES_BACKUP_USER, POSTGRES_EXPORTER_USER } from "../workloads/catalogue";

/**
 * PostgreSQL's reserved key words: `pg_get_keywords()` categories R (reserved) and T (reserved, can be a function
 * or type name) of PostgreSQL 15, plus `system_user` (reserved since 16). As an unquoted name each is a syntax
 * error or means something else, and RDS refuses them as a database name.
 */
export const POSTGRES_RESERVED_WORDS: ReadonlySet<string> = new Set(
    ("all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation "
    + "column concurrently constraint create cross current_catalog current_date current_role current_schema "
    + "current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch "
    + "for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join "
    + "lateral leading left like limit localtime localtimestamp natural not notnull null offset on only or order "
    + "outer overlaps placing primary references returning right select session_user similar some symmetric "
    + "system_user table tablesample then to trailing true union unique user using variadic verbose when where "
    + "window with").split(" "),
);

/**
 * Role names the application role must not take: the superuser, the exporter's and the backup job's roles, the RDS administrator
 * (`RDS_ADMIN_USER` of components/platforms/aws/Postgres.ts: the role script would reset its password), and names PostgreSQL
 * itself refuses for a role (`public`, `none`). `pg_*` and `rds*` are reserved by PostgreSQL and RDS.
 */
export const RESERVED_ROLE_NAMES: readonly string[] = ["postgres", POSTGRES_EXPORTER_USER, POSTGRES_BACKUP_USER, "stack_admin", "public", "none"];

/** Databases PostgreSQL or RDS keep for themselves. */
export const RESERVED_DATABASE_NAMES: readonly string[] = ["postgres", "template0", "template1", "rdsadmin"];

/** The identifier grammar both names share: RDS's DBName rule (a letter first), lower case so no quoting changes it. */
const SQL_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** What is wrong with `name` as the application database's name, or undefined when nothing is. */
export function databaseNameProblem(name: string): string | undefined {
    if (!SQL_NAME.test(name)) return "a lower-case SQL name: a letter, then letters, digits or `_`, at most 63 characters";
    if (POSTGRES_RESERVED_WORDS.has(name)) return "a name that is not a PostgreSQL reserved word";
    if (RESERVED_DATABASE_NAMES.includes(name)) return `a database other than ${RESERVED_DATABASE_NAMES.map((n) => `\`${n}\``).join(", ")}`;
    return undefined;
}

/** What is wrong with `name` as the application role's name, or undefined when nothing is. */
export function roleNameProblem(name: string): string | undefined {
    if (!SQL_NAME.test(name)) return "a lower-case SQL name: a letter, then letters, digits or `_`, at most 63 characters";
    if (POSTGRES_RESERVED_WORDS.has(name)) return "a name that is not a PostgreSQL reserved word";
    if (RESERVED_ROLE_NAMES.includes(name) || /^(pg_|rds)/.test(name)) {
        return `a role of its own: not ${RESERVED_ROLE_NAMES.map((n) => `\`${n}\``).join(", ")}, nor a \`pg_\` or \`rds\` name`;
    }
    return undefined;
}
