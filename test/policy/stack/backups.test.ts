import { BACKUP_COMPONENT, DATABASE_COMPONENT, requireDatabaseBackups } from "../../../policy/policies/stack/backups";
import { CONTAINER, resource } from "../support/fixtures";
import { specifyStackPolicy } from "../support/policySpec";

const postgres = resource(DATABASE_COMPONENT, "stack-postgres", {});
const backup = resource(BACKUP_COMPONENT, "stack-backup", {});
const job = resource(CONTAINER, "stack-backup", { name: "service-stack-test-backup" }, { parent: backup.urn });
const carrier = resource(CONTAINER, "stack-backup-files", { name: "service-stack-test-backup-files", start: false }, { parent: backup.urn });

specifyStackPolicy(requireDatabaseBackups, [postgres, backup, job, carrier], [
    { when: "the backup component is missing", input: [postgres], violations: [/^PostgreSQL runs on Docker without its backup job: no service-stack:docker:Backup component in the stack\.$/] },
    { when: "the backup job's container never starts (only its carrier is left)", input: [postgres, backup, carrier], violations: [/has no container that runs/] },
    { when: "a running container belongs to another component", input: [postgres, backup, carrier, resource(CONTAINER, "stack-other", { name: "x" }, { parent: postgres.urn })], violations: [/has no container that runs/] },
    { when: "the stack runs no PostgreSQL on Docker (RDS: require-rds-backups)", input: [resource("service-stack:aws:Postgres", "stack-db", {})], notApplicable: /no PostgreSQL on Docker/ },
]);
