import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PUBLIC_ENDPOINTS, PublicEndpoint, StackSettings } from "../../settings/types";
import { accountContext, AwsBase, awsName, boundedAwsName, replacementKey } from "./context";
import { albAccessLogStatements, s3AccessLogStatement } from "./iamDocuments";
import { PrivateBucket, S3_ACCESS_LOG_PREFIX } from "./PrivateBucket";

export interface LoadBalancerArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<string>[];
    readonly tasksSecurityGroupId: pulumi.Input<string>;
    /** ID of the public Route53 zone the ACM validation records go in. */
    readonly zoneId: pulumi.Input<string>;
}

/** The ALB's TLS policy for the stack's minimum TLS version: TLS 1.3 only, or TLS 1.3 with 1.2. */
export function albSslPolicy(minVersion: StackSettings["tls"]["minVersion"]): string {
    return minVersion === "1.3" ? "ELBSecurityPolicy-TLS13-1-3-2021-06" : "ELBSecurityPolicy-TLS13-1-2-2021-06";
}

/** Where the load balancer checks each endpoint's tasks, and what answer counts as healthy. */
export function targetHealthChecks(settings: StackSettings): Readonly<Record<PublicEndpoint, { path: string; matcher: string }>> {
    return {
        api: { path: settings.api.livePath, matcher: "200" },
        grafana: { path: "/api/health", matcher: "200" },
        // Basic auth guards every path of Prometheus and Alertmanager: a 401 proves TLS, routing and a live server.
        prometheus: { path: "/-/healthy", matcher: "200,401" },
        alertmanager: { path: "/-/healthy", matcher: "200,401" },
        jaeger: { path: "/", matcher: "200" },
    };
}

/** Elastic Load Balancing allows 32 characters in load balancer and target group names. */
export const ELB_NAME_MAX = 32;

/**
 * A target group's name: the stack prefix (shortened to fit 32 characters), the endpoint, and a key of the inputs
 * that force its replacement, so a replacement gets a new name and is created beside the old group before the
 * listener rule and the service move over (a fixed name would collide with the group being replaced).
 */
export function targetGroupName(settings: StackSettings, endpoint: PublicEndpoint, forcing: { port: number; protocol: string; protocolVersion: string; targetType: string }): string {
    return boundedAwsName(settings, `${endpoint}-${replacementKey({ ...forcing, vpcCidr: settings.aws?.vpcCidr })}`, ELB_NAME_MAX);
}

/** Access log objects go under this prefix in the log bucket. */
const ACCESS_LOG_PREFIX = "alb";

/**
 * The public edge: an application load balancer in the public subnets (the only security group open to the
 * internet, on 80 and 443), an ACM certificate for the public hostnames validated through Route53, an HTTPS listener
 * with a TLS 1.3 policy that routes by host to HTTPS target groups, HTTP redirected to HTTPS, invalid headers
 * dropped, deletion protection in production, and access logs in a private bucket (SSE-S3: ALB log delivery cannot
 * write with a KMS key).
 */
export class LoadBalancer extends pulumi.ComponentResource {
    public readonly alb: aws.lb.LoadBalancer;
    public readonly securityGroup: aws.ec2.SecurityGroup;
    public readonly certificate: aws.acm.Certificate;
    public readonly httpsListener: aws.lb.Listener;
    public readonly targetGroups: Readonly<Record<PublicEndpoint, aws.lb.TargetGroup>>;
    public readonly logBucket: PrivateBucket;

    constructor(name: string, base: AwsBase & LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:LoadBalancer", name, {}, opts);
        const { settings, specs } = base;
        const production = settings.environment === "production";
        const ports: Record<PublicEndpoint, number> = {
            api: specs.api.port,
            grafana: specs.grafana.port,
            prometheus: specs.prometheus.port,
            alertmanager: specs.alertmanager.port,
            jaeger: specs.jaeger.port,
        };

        this.securityGroup = this.openToInternet(name, base, ports);

        this.logBucket = this.accessLogBucket(name, base);

        this.alb = new aws.lb.LoadBalancer(name, {
            // Explicit: Pulumi's auto-name (resource name plus 8 characters) exceeds ELB's 32.
            name: boundedAwsName(settings, "lb", ELB_NAME_MAX),
            loadBalancerType: "application",
            internal: false,
            securityGroups: [this.securityGroup.id],
            subnets: base.publicSubnetIds,
            dropInvalidHeaderFields: true,
            desyncMitigationMode: "defensive",
            enableDeletionProtection: production,
            enableHttp2: true,
            idleTimeout: 60,
            accessLogs: { bucket: this.logBucket.bucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
            tags: { Name: awsName(settings, "lb") },
        }, { parent: this, dependsOn: [this.logBucket.policy] });

        this.certificate = this.publicCertificate(name, base);
        const certificateArn = this.validated(name, base, this.certificate);

        new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: this.alb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        }, { parent: this });
        this.httpsListener = new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: this.alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: albSslPolicy(settings.tls.minVersion),
            certificateArn,
            defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "404", contentType: "text/plain", messageBody: "Not found" } }],
        }, { parent: this });
        this.targetGroups = this.routes(name, base, ports);

        this.registerOutputs({
            alb: this.alb,
            securityGroup: this.securityGroup,
            certificate: this.certificate,
            httpsListener: this.httpsListener,
            targetGroups: this.targetGroups,
            logBucket: this.logBucket,
        });
    }

    /** The only security group open to the internet (80, 443); to and from the tasks only on the endpoints' ports. */
    private openToInternet(name: string, base: AwsBase & LoadBalancerArgs, ports: Readonly<Record<PublicEndpoint, number>>): aws.ec2.SecurityGroup {
        const { settings } = base;
        // The policy pack recognises the load balancer's group by its name (`*-lb*`): the one allowed internet ingress.
        const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: base.vpcId, description: "Load balancer: HTTP and HTTPS from the internet", tags: { Name: awsName(settings, "lb") } }, { parent: this });
        for (const [scheme, port] of [["http", 80], ["https", 443]] as const) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-${scheme}-in`, {
                securityGroupId: group.id,
                cidrIpv4: "0.0.0.0/0",
                description: `${scheme.toUpperCase()} from the internet`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
            }, { parent: this });
        }
        for (const endpoint of PUBLIC_ENDPOINTS) {
            const port = ports[endpoint];
            new aws.vpc.SecurityGroupEgressRule(`${name}-to-${endpoint}`, {
                securityGroupId: group.id,
                referencedSecurityGroupId: base.tasksSecurityGroupId,
                description: `${endpoint} tasks`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
            }, { parent: this });
            new aws.vpc.SecurityGroupIngressRule(`${name}-into-${endpoint}`, {
                securityGroupId: base.tasksSecurityGroupId,
                referencedSecurityGroupId: group.id,
                description: `${endpoint} from the load balancer`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
            }, { parent: this });
        }
        return group;
    }

    /** The access-log bucket (SSE-S3: ALB log delivery cannot write with a KMS key), which the stack's other buckets log into too. */
    private accessLogBucket(name: string, base: AwsBase & LoadBalancerArgs): PrivateBucket {
        const { settings } = base;
        const elbAccount = aws.elb.getServiceAccountOutput({}, { parent: this });
        const account = accountContext(base.account);
        return new PrivateBucket(`${name}-logs`, {
            versioned: false,
            lifecycleRules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: base.aws.logRetentionDays } }],
            // It also receives the S3 server access logs of the stack's other buckets (ConfigBucket, Backups).
            extraStatements: (bucketArn) => pulumi.all([elbAccount.arn, account]).apply(([elbArn, acct]) => [
                ...albAccessLogStatements(bucketArn, ACCESS_LOG_PREFIX, elbArn, acct),
                s3AccessLogStatement(bucketArn, S3_ACCESS_LOG_PREFIX, `arn:${acct.partition}:s3:::${settings.namePrefix}-*`, acct),
            ]),
            protect: settings.protectStateful,
        }, { parent: this });
    }

    /** The ACM certificate for the public hostnames. */
    private publicCertificate(name: string, base: AwsBase & LoadBalancerArgs): aws.acm.Certificate {
        const hostnames = PUBLIC_ENDPOINTS.map((e) => base.settings.hostnames[e]);
        return new aws.acm.Certificate(name, {
            domainName: hostnames[0]!,
            subjectAlternativeNames: hostnames.slice(1),
            validationMethod: "DNS",
            tags: { Name: awsName(base.settings, "public") },
        }, { parent: this });
    }

    /** The certificate's ARN once ACM has validated it through Route53 records in the zone. */
    private validated(name: string, base: AwsBase & LoadBalancerArgs, certificate: aws.acm.Certificate): pulumi.Output<string> {
        const hostnames = PUBLIC_ENDPOINTS.map((e) => base.settings.hostnames[e]);
        const validationRecords = hostnames.map((host) => {
            const option = certificate.domainValidationOptions.apply((options) => {
                const found = options.find((o) => o.domainName === host);
                if (!found) throw new Error(`LoadBalancer: ACM returned no validation record for ${host}.`);
                return found;
            });
            return new aws.route53.Record(`${name}-validation-${host.split(".")[0]}`, {
                zoneId: base.zoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 60,
                allowOverwrite: true,
            }, { parent: this });
        });
        const validation = new aws.acm.CertificateValidation(name, {
            certificateArn: certificate.arn,
            validationRecordFqdns: validationRecords.map((r) => r.fqdn),
        }, { parent: this });
        return validation.certificateArn;
    }

    /** An HTTPS target group per public endpoint, and a host rule of the HTTPS listener forwarding to it. */
    private routes(name: string, base: AwsBase & LoadBalancerArgs, ports: Readonly<Record<PublicEndpoint, number>>): Record<PublicEndpoint, aws.lb.TargetGroup> {
        const { settings } = base;
        const checks = targetHealthChecks(settings);
        const targetGroups = {} as Record<PublicEndpoint, aws.lb.TargetGroup>;
        PUBLIC_ENDPOINTS.forEach((endpoint, i) => {
            const protocol = endpoint === "api" && settings.api.scheme === "http" ? "HTTP" : "HTTPS";
            const forcing = { port: ports[endpoint], protocol, protocolVersion: "HTTP1", targetType: "ip" };
            const group = new aws.lb.TargetGroup(`${name}-${endpoint}`, {
                name: targetGroupName(settings, endpoint, forcing),
                vpcId: base.vpcId,
                ...forcing,
                deregistrationDelay: 30,
                healthCheck: { enabled: true, protocol, path: checks[endpoint].path, matcher: checks[endpoint].matcher, interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
                tags: { Name: awsName(settings, endpoint) },
            }, { parent: this });
            new aws.lb.ListenerRule(`${name}-${endpoint}`, {
                listenerArn: this.httpsListener.arn,
                priority: 10 + i,
                conditions: [{ hostHeader: { values: [settings.hostnames[endpoint]] } }],
                actions: [{ type: "forward", targetGroupArn: group.arn }],
            }, { parent: this });
            targetGroups[endpoint] = group;
        });
        return targetGroups;
    }
}
