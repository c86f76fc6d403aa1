import type { TaskPlan } from "./containerDefinitions";

/** An ECS container definition, in the JSON field names of the ECS API (the subset we set). */
export interface EcsContainerDefinition {
    readonly name: string;
    readonly image: string;
    readonly repositoryCredentials?: { credentialsParameter: string };
    readonly essential: boolean;
    readonly user: string;
    readonly readonlyRootFilesystem: true;
    /** Absent on one-shot containers: they reserve no CPU. */
    readonly cpu?: number;
    readonly memory: number;
    readonly entryPoint?: string[];
    readonly command?: string[];
    readonly environment: { name: string; value: string }[];
    readonly secrets: { name: string; valueFrom: string }[];
    readonly portMappings: { containerPort: number; protocol: "tcp" }[];
    readonly mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    readonly dependsOn?: { containerName: string; condition: "SUCCESS" }[];
    readonly restartPolicy?: { enabled: true; restartAttemptPeriod: number };
    readonly healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
    readonly linuxParameters: { initProcessEnabled: boolean; capabilities: { drop: string[] } };
    readonly logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
}

/** The task's log group, one stream prefix per container. */
export function logConfiguration(plan: TaskPlan, container: string): EcsContainerDefinition["logConfiguration"] {
    return {
        logDriver: "awslogs",
        // Non-blocking: a CloudWatch hiccup must not stall the process writing to stdout.
        options: { "awslogs-group": plan.logGroup, "awslogs-region": plan.region, "awslogs-stream-prefix": container, mode: "non-blocking", "max-buffer-size": "4m" },
    };
}

/** An environment as ECS lists it, sorted by name. */
export function environmentList(values: Readonly<Record<string, string>>): { name: string; value: string }[] {
    return Object.entries(values).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value }));
}
