import { requireExporterTlsVersionSpelling } from "../../../policy/policies/dockerEngine/exporterSettings";
import { changed, compliantContainer, encrypted, resource } from "../support/fixtures";
import { specifyResourcePolicy } from "../support/policySpec";

/** A workload container as the program declares it now: no uploads, its files on read-only volumes. */
const workload = changed(compliantContainer(), (i) => {
    delete i.uploads;
    i.mounts = [{ type: "volume", source: "service-stack-test-postgres-files-etc-postgresql-0a1b2c3d", target: "/etc/postgresql", readOnly: true }];
});

const redisExporter = changed(workload, (i) => { i.name = "service-stack-test-redis-exporter"; i.envs = ["REDIS_ADDR=rediss://redis:6379", "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION=TLS1.3"]; });
const taskDefinition = (value: string) => resource("aws:ecs/taskDefinition:TaskDefinition", "stack-prometheus", {
    family: "stack-prometheus",
    containerDefinitions: JSON.stringify([{ name: "redis-exporter", environment: [{ name: "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION", value }] }]),
});

specifyResourcePolicy(requireExporterTlsVersionSpelling, redisExporter, [
    { when: "redis_exporter is given exporter-toolkit's spelling (it exits in a loop)", input: changed(redisExporter, (i) => { i.envs[1] = "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION=TLS13"; }), violations: [/^REDIS_EXPORTER_TLS_SERVER_MIN_VERSION is "TLS13": redis_exporter accepts only TLS1.0, TLS1.1, TLS1.2, TLS1.3/] },
    { when: "an ECS container definition misspells it", input: taskDefinition("TLS12"), violations: [/^Container redis-exporter: REDIS_EXPORTER_TLS_SERVER_MIN_VERSION is "TLS12"/] },
    { when: "an ECS container definition spells it right", input: taskDefinition("TLS1.2") },
    { when: "the environment is encrypted in a state file", input: changed(redisExporter, (i) => { i.envs = encrypted(); }) },
]);
