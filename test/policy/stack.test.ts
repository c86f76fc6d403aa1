import { requireAllServices, requireProtectedStatefulResources, SERVICE_COMPONENTS } from "../../policy/policies/stack";
import { resource } from "./support/fixtures";
import { specifyStackPolicy } from "./support/policySpec";

const components = SERVICE_COMPONENTS.map((s) => resource(`service-stack:docker:${s}`, `stack-${s.toLowerCase()}`, {}));
const volume = (name: string, protect: boolean) => resource("docker:index/volume:Volume", name, { name: `service-stack-test-${name}` }, { protect });

specifyStackPolicy(requireAllServices, components, [
    { when: "Jaeger is missing", input: components.filter((c) => !c.type.endsWith(":Jaeger")), violations: [/Service Jaeger is missing: no service-stack:docker:Jaeger or service-stack:aws:Jaeger/] },
    { when: "two services are missing", input: components.slice(2), violations: [/Postgres/, /Redis/] },
    { when: "a service runs on the AWS platform", input: [...components.filter((c) => !c.type.endsWith(":Postgres")), resource("service-stack:aws:Postgres", "stack-db", {})] },
]);

const volumes = [volume("postgres-data", true), volume("redis-data", true)];
specifyStackPolicy(requireProtectedStatefulResources, volumes, [
    { when: "a volume is not protected", input: [volumes[0]!, volume("redis-data", false)], violations: [/Volume redis-data holds state but is not protected/] },
    { when: "an RDS instance is not protected", input: [...volumes, resource("aws:rds/instance:Instance", "db", { engine: "postgres" })], violations: [/Instance db/] },
    { when: "an unprotected network (stateless) is ignored", input: [...volumes, resource("docker:index/network:Network", "data", {})] },
    { when: "protection is not required in this environment", input: [volume("redis-data", false)], config: { requireProtection: false }, notApplicable: /`requireProtection` is false/ },
], { requireProtection: true });
