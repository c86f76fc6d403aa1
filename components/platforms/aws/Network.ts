import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext, AwsBase, awsName, encryptedLogGroup } from "./context";
import { assumeRolePolicy, policyDocument } from "./iamDocuments";
import { subnetLayout } from "./subnets";

/** Interface endpoints that keep image pulls, secrets and logs off the NAT gateways. */
export const INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "secretsmanager", "logs"] as const;

/**
 * The VPC across `aws.availabilityZones` zones: public subnets for the load balancer and the NAT gateways only,
 * private subnets for everything else, NAT per zone in production (one in other environments), VPC endpoints for
 * ECR, Secrets Manager, CloudWatch Logs (interface) and S3 (gateway), the default security group emptied, and flow
 * logs of all traffic to a KMS-encrypted log group.
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpc: aws.ec2.Vpc;
    public readonly publicSubnets: aws.ec2.Subnet[];
    public readonly privateSubnets: aws.ec2.Subnet[];
    public readonly natGateways: aws.ec2.NatGateway[];
    public readonly endpointSecurityGroup: aws.ec2.SecurityGroup;
    public readonly flowLog: aws.ec2.FlowLog;

    constructor(name: string, base: AwsBase, opts?: pulumi.ComponentResourceOptions) {
        super("service-stack:aws:Network", name, {}, opts);
        const { settings, aws: awsSettings } = base;
        const zoneCount = awsSettings.availabilityZones;
        const layout = subnetLayout(awsSettings.vpcCidr, zoneCount);
        const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, { parent: this });
        const zone = (i: number) => zones.names.apply((names) => {
            if (names.length < zoneCount) throw new Error(`Network: region ${awsSettings.region} has ${names.length} available zones; \`aws.availabilityZones\` asks for ${zoneCount}.`);
            return names[i] as string;
        });
        const tag = (suffix: string) => ({ Name: awsName(settings, suffix) });

        this.vpc = new aws.ec2.Vpc(name, { cidrBlock: awsSettings.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tag("vpc") }, { parent: this });
        const vpcId = this.vpc.id;
        // No rules: anything attached to the default group by mistake can neither receive nor send.
        new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId, tags: tag("default-closed") }, { parent: this });

        const internet = new aws.ec2.InternetGateway(name, { vpcId, tags: tag("igw") }, { parent: this });
        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internet.id }], tags: tag("public") }, { parent: this });
        this.publicSubnets = layout.public.map((cidrBlock, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, { vpcId, cidrBlock, availabilityZone: zone(i), mapPublicIpOnLaunch: false, tags: tag(`public-${i}`) }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, { parent: this });
            return subnet;
        });

        // Production keeps egress per zone (a zone outage takes only its own NAT); elsewhere one NAT saves cost.
        const natCount = settings.environment === "production" ? zoneCount : 1;
        this.natGateways = Array.from({ length: natCount }, (_, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: tag(`nat-${i}`) }, { parent: this });
            return new aws.ec2.NatGateway(`${name}-nat-${i}`, { subnetId: this.publicSubnets[i]!.id, allocationId: eip.id, tags: tag(`nat-${i}`) }, { parent: this, dependsOn: [internet] });
        });
        const privateRoutes = layout.private.map((_, i) => new aws.ec2.RouteTable(`${name}-private-${i}`, {
            vpcId,
            routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: this.natGateways[i % natCount]!.id }],
            tags: tag(`private-${i}`),
        }, { parent: this }));
        this.privateSubnets = layout.private.map((cidrBlock, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, { vpcId, cidrBlock, availabilityZone: zone(i), mapPublicIpOnLaunch: false, tags: tag(`private-${i}`) }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: privateRoutes[i]!.id }, { parent: this });
            return subnet;
        });

        this.endpointSecurityGroup = this.endpoints(name, base, privateRoutes);
        this.flowLog = this.flowLogs(name, base);

        this.registerOutputs({
            vpc: this.vpc,
            publicSubnets: this.publicSubnets,
            privateSubnets: this.privateSubnets,
            natGateways: this.natGateways,
            endpointSecurityGroup: this.endpointSecurityGroup,
            flowLog: this.flowLog,
        });
    }

    /** Interface endpoints (ECR, Secrets Manager, Logs) in the private subnets, HTTPS from the VPC only; the S3 gateway. */
    private endpoints(name: string, base: AwsBase, privateRoutes: aws.ec2.RouteTable[]): aws.ec2.SecurityGroup {
        const { settings, aws: awsSettings } = base;
        const vpcId = this.vpc.id;
        const tag = (suffix: string) => ({ Name: awsName(settings, suffix) });
        const group = new aws.ec2.SecurityGroup(`${name}-endpoints`, { vpcId, description: "VPC interface endpoints: HTTPS from inside the VPC", tags: tag("endpoints") }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-https`, {
            securityGroupId: group.id,
            description: "HTTPS from the VPC",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: awsSettings.vpcCidr,
        }, { parent: this });
        for (const service of INTERFACE_ENDPOINTS) {
            new aws.ec2.VpcEndpoint(`${name}-${service.replace(".", "-")}`, {
                vpcId,
                serviceName: `com.amazonaws.${awsSettings.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: this.privateSubnets.map((s) => s.id),
                securityGroupIds: [group.id],
                tags: tag(`endpoint-${service}`),
            }, { parent: this });
        }
        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId,
            serviceName: `com.amazonaws.${awsSettings.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: privateRoutes.map((r) => r.id),
            tags: tag("endpoint-s3"),
        }, { parent: this });
        return group;
    }

    /** Flow logs of all traffic into a KMS-encrypted log group, written through a role limited to it. */
    private flowLogs(name: string, base: AwsBase): aws.ec2.FlowLog {
        const { settings } = base;
        const vpcId = this.vpc.id;
        const tag = (suffix: string) => ({ Name: awsName(settings, suffix) });
        const flowLogGroup = encryptedLogGroup(`${name}-flow-logs`, `/vpc/${awsName(settings, "flow-logs")}`, base, this);
        const flowLogRole = new aws.iam.Role(`${name}-flow-logs`, {
            assumeRolePolicy: accountContext(base.account).apply((account) => assumeRolePolicy("vpc-flow-logs.amazonaws.com", account)),
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-flow-logs`, {
            role: flowLogRole.id,
            policy: flowLogGroup.arn.apply((arn) => policyDocument([{
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [arn, `${arn}:*`],
            }])),
        }, { parent: this });
        return new aws.ec2.FlowLog(name, {
            vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: flowLogGroup.arn,
            iamRoleArn: flowLogRole.arn,
            maxAggregationInterval: 60,
            tags: tag("flow-logs"),
        }, { parent: this });
    }
}
