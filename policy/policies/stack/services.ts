import type { StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";

/** The seven services, by the component name the program gives each (`service-stack:<platform>:<Service>`). */
export const SERVICE_COMPONENTS: readonly string[] = ["Postgres", "Redis", "Api", "Prometheus", "Grafana", "Alertmanager", "Jaeger"];

/** Requires all seven services in the stack, on any platform. */
export const requireAllServices: StackValidationPolicy = {
    name: "require-all-services",
    description: "The stack declares all seven services (PostgreSQL, Redis, API, Prometheus, Grafana, Alertmanager, Jaeger) as `service-stack:<platform>:<Service>` components.",
    remediationSteps: "Restore the missing service component in the platform's stack component; a stack without monitoring, alerting or tracing is not deployable.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            services: { type: "array", items: { type: "string" }, default: [...SERVICE_COMPONENTS] },
            platforms: { type: "array", items: { type: "string" }, default: ["docker", "aws"] },
        },
    },
    validateStack: (args, report) => {
        const { services, platforms } = configOf(args, { services: [...SERVICE_COMPONENTS], platforms: ["docker", "aws"] });
        const types = new Set(args.resources.map((r) => r.type));
        for (const service of services) {
            if (!platforms.some((p) => types.has(`service-stack:${p}:${service}`))) {
                report(`Service ${service} is missing: no ${platforms.map((p) => `service-stack:${p}:${service}`).join(" or ")} component in the stack.`);
            }
        }
    },
};
