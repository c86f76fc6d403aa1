import { requireAllServices, SERVICE_COMPONENTS } from "../../../policy/policies/stack/services";
import { resource } from "../support/fixtures";
import { specifyStackPolicy } from "../support/policySpec";

const components = SERVICE_COMPONENTS.map((s) => resource(`service-stack:docker:${s}`, `stack-${s.toLowerCase()}`, {}));

specifyStackPolicy(requireAllServices, components, [
    { when: "Jaeger is missing", input: components.filter((c) => !c.type.endsWith(":Jaeger")), violations: [/Service Jaeger is missing: no service-stack:docker:Jaeger or service-stack:aws:Jaeger/] },
    { when: "two services are missing", input: components.slice(2), violations: [/Postgres/, /Redis/] },
    { when: "a service runs on the AWS platform", input: [...components.filter((c) => !c.type.endsWith(":Postgres")), resource("service-stack:aws:Postgres", "stack-db", {})] },
]);
