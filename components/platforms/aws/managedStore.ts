import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * What RDS and ElastiCache share as the data tier's managed realisations: a security group the tasks alone reach the
 * store's port through, and the catalogue's name for it (`postgres.<namespace>`) as a CNAME of its endpoint.
 */

export interface ManagedStoreArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly privateSubnetIds: pulumi.Input<string>[];
    readonly tasksSecurityGroupId: pulumi.Input<string>;
    /** Route53 zone of the Cloud Map namespace, where the catalogue's alias becomes a CNAME for the endpoint. */
    readonly namespaceZoneId: pulumi.Input<string>;
}

/** `<name>-sg` open on `port` to the tasks' group only (`<name>-from-tasks`); `what` names the store in descriptions. */
export function reachableFromTasks(name: string, args: ManagedStoreArgs, store: { what: string; port: number; groupDescription: string; tag: string }, parent: pulumi.Resource): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: store.groupDescription, tags: { Name: store.tag } }, { parent });
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-tasks`, {
        securityGroupId: group.id,
        referencedSecurityGroupId: args.tasksSecurityGroupId,
        description: `${store.what} from the ECS tasks`,
        ipProtocol: "tcp",
        fromPort: store.port,
        toPort: store.port,
    }, { parent });
    return group;
}

/**
 * `<name>-alias`: the catalogue's name resolves inside the VPC to the store's endpoint; TLS clients still connect to
 * the endpoint its AWS certificate names.
 */
export function namespaceAlias(name: string, args: ManagedStoreArgs, alias: string, endpoint: pulumi.Input<string>, parent: pulumi.Resource): aws.route53.Record {
    return new aws.route53.Record(`${name}-alias`, { zoneId: args.namespaceZoneId, name: alias, type: "CNAME", ttl: 60, records: [endpoint] }, { parent });
}
