import * as pulumi from "@pulumi/pulumi";
import { renderJaegerConfig } from "../../render/jaeger";
import { CONFIG_PATHS, JAEGER_PORTS } from "../../workloads/catalogue";
import { FargateService } from "./FargateService";
import { AwsServiceArgs, tlsFiles } from "./services";

/**
 * Jaeger v2 on Fargate: OTLP gRPC/HTTP from the stack's tasks over TLS, the query UI behind the load balancer
 * (basic auth at the WAF, as Caddy does on Docker), the same rendered config as on Docker.
 */
export class Jaeger extends pulumi.ComponentResource {
    public readonly service: FargateService;

    constructor(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Jaeger", name, {}, opts);
        const { base } = args;
        const { settings, specs } = base;
        const spec = specs.jaeger;
        this.service = new FargateService(name, {
            base,
            serviceName: "jaeger",
            ...args.runtime,
            containers: [{
                name: "jaeger",
                image: settings.images.jaeger,
                user: spec.user,
                limits: settings.resources.jaeger,
                command: ["--config", CONFIG_PATHS.jaegerConfig],
                ports: [JAEGER_PORTS.ui, JAEGER_PORTS.otlpGrpc, JAEGER_PORTS.otlpHttp, JAEGER_PORTS.metrics],
                files: [
                    { path: CONFIG_PATHS.jaegerConfig, kind: "config", content: renderJaegerConfig(settings) },
                    ...tlsFiles(spec, args.certificates.jaeger!, args.caCertPem),
                ],
                // The health extension listens on loopback inside the task only.
                healthCheck: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${JAEGER_PORTS.health}/status`],
                startPeriodSeconds: 30,
            }],
            // The in-memory trace store is per process: one task, or traces scatter across replicas.
            desiredCount: 1,
            loadBalancer: { targetGroupArn: args.targetGroups.jaeger.arn, containerName: "jaeger", containerPort: spec.port },
        }, { parent: this });
        this.registerOutputs({ service: this.service });
    }
}
