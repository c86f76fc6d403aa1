/**
 * The limits AWS puts on physical names and descriptions, as data, and the name a resource will really get: the
 * explicit one, the provider's `namePrefix` plus its 26-character unique suffix, or Pulumi's auto-name (the resource
 * name plus `-` and 7 random hex characters). Pure: the policy pack and the program's limits test both read it.
 */

/** How one AWS service bounds a resource's name. Sources: each service's API reference (Create* request limits). */
export interface NameRule {
    /** Input property that holds the name. */
    readonly property: string;
    /** Input property of the provider's prefix form, when the resource has one. */
    readonly prefixProperty?: string;
    readonly min?: number;
    readonly max: number;
    readonly pattern: RegExp;
    /** What the pattern allows, for the message. */
    readonly expected: string;
    /** False when the property is required (never auto-named). Defaults to true. */
    readonly autonamed?: boolean;
}

/** Letters, digits and hyphens, no hyphen at either end (ELB). */
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
/** A letter first, then lower-case letters, digits and single hyphens, no hyphen at the end (RDS, ElastiCache ids). */
const DB_IDENTIFIER = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const IAM_NAME = /^[\w+=,.@-]+$/;
const ECS_NAME = /^[A-Za-z0-9_-]+$/;

/** Name rules by type token (@pulumi/aws v7). */
export const NAME_RULES: Readonly<Record<string, readonly NameRule[]>> = {
    "aws:lb/loadBalancer:LoadBalancer": [{ property: "name", prefixProperty: "namePrefix", max: 32, pattern: /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, expected: "letters, digits and hyphens, no hyphen at either end, not starting with `internal-`" }],
    "aws:lb/targetGroup:TargetGroup": [{ property: "name", prefixProperty: "namePrefix", max: 32, pattern: ELB_NAME, expected: "letters, digits and hyphens, no hyphen at either end" }],
    "aws:elasticache/replicationGroup:ReplicationGroup": [
        { property: "replicationGroupId", max: 40, pattern: DB_IDENTIFIER, expected: "a letter, then lower-case letters, digits and single hyphens, not ending in a hyphen" },
        { property: "finalSnapshotIdentifier", max: 255, pattern: DB_IDENTIFIER, expected: "a letter, then lower-case letters, digits and single hyphens", autonamed: false },
    ],
    "aws:elasticache/subnetGroup:SubnetGroup": [{ property: "name", max: 255, pattern: /^[a-z0-9-]+$/, expected: "lower-case letters, digits and hyphens" }],
    "aws:elasticache/parameterGroup:ParameterGroup": [{ property: "name", max: 255, pattern: DB_IDENTIFIER, expected: "a letter, then lower-case letters, digits and single hyphens" }],
    "aws:rds/instance:Instance": [
        { property: "identifier", prefixProperty: "identifierPrefix", max: 63, pattern: DB_IDENTIFIER, expected: "a letter, then lower-case letters, digits and single hyphens, not ending in a hyphen" },
        { property: "finalSnapshotIdentifier", max: 255, pattern: DB_IDENTIFIER, expected: "a letter, then lower-case letters, digits and single hyphens", autonamed: false },
    ],
    "aws:rds/parameterGroup:ParameterGroup": [{ property: "name", prefixProperty: "namePrefix", max: 255, pattern: DB_IDENTIFIER, expected: "a letter, then lower-case letters, digits and single hyphens" }],
    "aws:rds/subnetGroup:SubnetGroup": [{ property: "name", prefixProperty: "namePrefix", max: 255, pattern: /^[a-z0-9 ._-]+$/, expected: "lower-case letters, digits, spaces, periods, underscores and hyphens" }],
    "aws:iam/role:Role": [{ property: "name", prefixProperty: "namePrefix", max: 64, pattern: IAM_NAME, expected: "letters, digits and `+=,.@_-`" }],
    "aws:iam/rolePolicy:RolePolicy": [{ property: "name", prefixProperty: "namePrefix", max: 128, pattern: IAM_NAME, expected: "letters, digits and `+=,.@_-`" }],
    "aws:ecs/cluster:Cluster": [{ property: "name", max: 255, pattern: ECS_NAME, expected: "letters, digits, hyphens and underscores" }],
    "aws:ecs/service:Service": [{ property: "name", max: 255, pattern: ECS_NAME, expected: "letters, digits, hyphens and underscores" }],
    "aws:ecs/taskDefinition:TaskDefinition": [{ property: "family", max: 255, pattern: ECS_NAME, expected: "letters, digits, hyphens and underscores", autonamed: false }],
    "aws:s3/bucket:Bucket": [{ property: "bucket", prefixProperty: "bucketPrefix", min: 3, max: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, expected: "lower-case letters, digits, periods and hyphens, a letter or digit at either end" }],
    "aws:s3/bucketObjectv2:BucketObjectv2": [{ property: "key", max: 1024, pattern: /^[^\u0000-\u001f\u007f]+$/, expected: "printable characters", autonamed: false }],
    // A name ending in a hyphen and six characters is mistaken for the random suffix of a partial ARN.
    "aws:secretsmanager/secret:Secret": [{ property: "name", prefixProperty: "namePrefix", max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$(?<!-[A-Za-z0-9]{6})/, expected: "letters, digits and `/_+=.@-`, not ending in a hyphen and six characters" }],
    "aws:cloudwatch/logGroup:LogGroup": [{ property: "name", prefixProperty: "namePrefix", max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, expected: "letters, digits and `._-/#`" }],
    "aws:kms/alias:Alias": [{ property: "name", prefixProperty: "namePrefix", max: 256, pattern: /^alias\/(?!aws\/)[A-Za-z0-9/_-]+$/, expected: "`alias/` and letters, digits and `/_-`, not under `alias/aws/`" }],
    "aws:wafv2/webAcl:WebAcl": [{ property: "name", max: 128, pattern: /^[\w-]+$/, expected: "letters, digits, hyphens and underscores" }],
    "aws:servicediscovery/service:Service": [{ property: "name", max: 63, pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, expected: "a DNS label", autonamed: false }],
    "aws:ec2/securityGroup:SecurityGroup": [{ property: "name", prefixProperty: "namePrefix", max: 255, pattern: /^(?!sg-)[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/, expected: "EC2's security-group character set, not starting with `sg-`" }],
    "aws:appautoscaling/policy:Policy": [{ property: "name", max: 255, pattern: /^[^:]+$/, expected: "no colon" }],
    "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": [{ property: "ecrRepositoryPrefix", min: 2, max: 30, pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/, expected: "lower-case path components of letters and digits separated by `._-`", autonamed: false }],
};

/** Pulumi's default auto-name: the resource name, `-`, and 7 random hex characters (shown with fixed ones). */
export function pulumiAutoName(resourceName: string): string {
    return `${resourceName}-1a2b3c4`;
}

/** The Terraform provider's unique suffix after a `namePrefix`: a timestamp and a counter, 26 characters. */
export const PREFIX_SUFFIX = "20250101000000000000000001";

/** The physical name a resource gets for one rule, and how it came about; undefined when it cannot be read. */
export function effectiveName(rule: NameRule, resourceName: string, props: Readonly<Record<string, unknown>>): { name: string; how: string } | undefined {
    const explicit = props[rule.property];
    if (typeof explicit === "string") return { name: explicit, how: `\`${rule.property}\`` };
    if (explicit !== undefined && explicit !== null) return undefined;
    const prefix = rule.prefixProperty ? props[rule.prefixProperty] : undefined;
    if (typeof prefix === "string") return { name: `${prefix}${PREFIX_SUFFIX}`, how: `\`${rule.prefixProperty}\` "${prefix}" plus the provider's 26-character suffix` };
    if (prefix !== undefined && prefix !== null) return undefined;
    if (rule.autonamed === false) return undefined;
    return { name: pulumiAutoName(resourceName), how: `Pulumi's auto-name (the resource name "${resourceName}" plus 8 characters)` };
}

/** Every way the names of a resource of `type` break their AWS rule; empty when fine or unreadable. */
export function nameProblems(type: string, resourceName: string, props: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    for (const rule of NAME_RULES[type] ?? []) {
        const effective = effectiveName(rule, resourceName, props);
        if (!effective) continue;
        const { name, how } = effective;
        if (name.length > rule.max) problems.push(`${rule.property} "${name}" (${how}) has ${name.length} characters; AWS allows ${rule.max}.`);
        else if (name.length < (rule.min ?? 1)) problems.push(`${rule.property} "${name}" has ${name.length} characters; AWS needs at least ${rule.min ?? 1}.`);
        if (!rule.pattern.test(name)) problems.push(`${rule.property} "${name}" (${how}) is not ${rule.expected}.`);
    }
    return problems;
}

/** How one AWS service bounds a description. */
export interface DescriptionRule {
    readonly property: string;
    readonly max: number;
    readonly pattern: RegExp;
    readonly expected: string;
}

/** EC2 accepts only these characters in security group (and rule) descriptions: `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`. */
export const EC2_DESCRIPTION: DescriptionRule = {
    property: "description",
    max: 255,
    pattern: /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/,
    expected: "EC2's character set `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`",
};

/** Security group types whose `description` EC2 checks. */
export const SECURITY_GROUP_TYPES: readonly string[] = [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
];

/** Description rules by type token. */
export const DESCRIPTION_RULES: Readonly<Record<string, readonly DescriptionRule[]>> = {
    ...Object.fromEntries(SECURITY_GROUP_TYPES.map((t) => [t, [EC2_DESCRIPTION]])),
    "aws:iam/role:Role": [{ property: "description", max: 1000, pattern: /^[\t\n\r\u0020-\u007e\u00a1-\u00ff]*$/, expected: "printable Latin-1 characters" }],
    "aws:wafv2/webAcl:WebAcl": [{ property: "description", max: 256, pattern: /^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$/, expected: "letters, digits, spaces and `+=:#@/-,._`, no space at either end" }],
    "aws:kms/key:Key": [{ property: "description", max: 8192, pattern: /^[\s\S]*$/, expected: "text" }],
    "aws:servicediscovery/service:Service": [{ property: "description", max: 1024, pattern: /^[\s\S]*$/, expected: "text" }],
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": [{ property: "description", max: 1024, pattern: /^[\s\S]*$/, expected: "text" }],
};

/** Every way the descriptions of a resource of `type` break their AWS rule; empty when fine, absent or unreadable. */
export function descriptionProblems(type: string, props: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    for (const rule of DESCRIPTION_RULES[type] ?? []) {
        const value = props[rule.property];
        if (typeof value !== "string") continue;
        if (value.length > rule.max) problems.push(`${rule.property} has ${value.length} characters; AWS allows ${rule.max}.`);
        const refused = [...new Set([...value].filter((c) => !rule.pattern.test(c) && !rule.pattern.test(`a${c}a`)))];
        if (!rule.pattern.test(value)) problems.push(`${rule.property} "${value}" is not ${rule.expected}${refused.length > 0 ? `: ${refused.map((c) => JSON.stringify(c)).join(", ")} refused` : ""}.`);
    }
    return problems;
}
