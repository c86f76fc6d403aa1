import type { StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";

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

/** Resource types that hold data a `pulumi destroy` or replacement would lose. */
export const DEFAULT_STATEFUL_TYPES: readonly string[] = [
    "docker:index/volume:Volume",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:efs/fileSystem:FileSystem",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:dynamodb/table:Table",
    "aws:kms/key:Key",
];

/** Requires `protect` on every stateful resource where the environment says so (production). */
export const requireProtectedStatefulResources: StackValidationPolicy = {
    name: "require-protected-stateful-resources",
    description: "Where `requireProtection` is true (production), every stateful resource (volumes, databases, caches, file systems, buckets) has `protect: true`.",
    remediationSteps: "Declare the resource with `{ protect: settings.protectStateful }` (true in production); to delete it on purpose, unprotect it in a reviewed change first.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requireProtection: { type: "boolean", default: false },
            statefulTypes: { type: "array", items: { type: "string" }, default: [...DEFAULT_STATEFUL_TYPES] },
        },
    },
    validateStack: (args, report) => {
        const config = configOf(args, { requireProtection: false, statefulTypes: [...DEFAULT_STATEFUL_TYPES] });
        if (!config.requireProtection) args.notApplicable("`requireProtection` is false in this environment");
        for (const r of args.resources) {
            if (!config.statefulTypes.includes(r.type) || r.opts.protect === true) continue;
            report(`${r.type.split(":").pop()} ${r.name} holds state but is not protected.`, r.urn);
        }
    },
};

/** Every stack-wide policy, in the order the pack lists them. */
export const stackPolicies: readonly StackValidationPolicy[] = [
    requireAllServices,
    requireProtectedStatefulResources,
];
