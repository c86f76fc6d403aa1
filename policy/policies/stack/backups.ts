import type { StackValidationPolicy } from "@pulumi/policy";
import { ContainerProps, DOCKER, neverStarted } from "../../lib/docker";

/** The component of the Docker platform's database and of its backup job (the program's `service-stack:docker:*`). */
export const DATABASE_COMPONENT = "service-stack:docker:Postgres";
export const BACKUP_COMPONENT = "service-stack:docker:Backup";

const REMEDIATION = "Keep the `Backup` component beside `Postgres` in the Docker stack (components/platforms/docker/DockerStack.ts): a database without scheduled, verified dumps loses data. On AWS, RDS keeps the automated backups (`require-rds-backups`).";

/**
 * Requires the backup job on every Docker stack that runs PostgreSQL: its component, and a container of it that runs
 * (not only a never-started file carrier). RDS is judged by `require-rds-backups`.
 */
export const requireDatabaseBackups: StackValidationPolicy = {
    name: "require-database-backups",
    description: "A Docker stack that runs PostgreSQL also runs its backup job: a `service-stack:docker:Backup` component with a container that starts (RDS keeps its own backups, see `require-rds-backups`).",
    remediationSteps: REMEDIATION,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        if (!args.resources.some((r) => r.type === DATABASE_COMPONENT)) {
            args.notApplicable("no PostgreSQL on Docker in this stack");
            return;
        }
        const backups = args.resources.filter((r) => r.type === BACKUP_COMPONENT);
        if (backups.length === 0) {
            report(`PostgreSQL runs on Docker without its backup job: no ${BACKUP_COMPONENT} component in the stack.`);
            return;
        }
        const urns = new Set(backups.map((b) => b.urn));
        const runs = args.resources.some((r) => r.type === DOCKER.container && r.parent !== undefined && urns.has(r.parent.urn) && !neverStarted(r.props as ContainerProps));
        if (!runs) report(`The backup job (${BACKUP_COMPONENT}) has no container that runs: only never-started file carriers, or none at all.`);
    },
};
