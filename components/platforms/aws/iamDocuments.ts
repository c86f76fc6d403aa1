/**
 * IAM and resource policy documents, built as plain objects and serialised with JSON.stringify (no invokes). Pure:
 * ARNs and names come in resolved.
 */

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: "*" | Readonly<Record<string, string | readonly string[]>>;
    readonly Action: string | readonly string[];
    /** Absent in trust policies. */
    readonly Resource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** Where the stack's ARNs live. */
export interface AccountContext {
    readonly partition: string;
    readonly accountId: string;
    readonly region: string;
}

/** A policy document (version 2012-10-17) as JSON text. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A role trust policy for an AWS service, limited to this account's requests where the service passes it on. */
export function assumeRolePolicy(service: string, account?: AccountContext): string {
    return policyDocument([{
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        // Confused-deputy guard: the service may assume the role only on this account's behalf.
        ...(account ? { Condition: { StringEquals: { "aws:SourceAccount": account.accountId } } } : {}),
    }]);
}

/** The service-linked role ECR's pull-through cache reads upstream credentials with. */
export function pullThroughCacheRoleArn(account: Pick<AccountContext, "partition" | "accountId">): string {
    return `arn:${account.partition}:iam::${account.accountId}:role/aws-service-role/pullthroughcache.ecr.amazonaws.com/AWSServiceRoleForECRPullThroughCache`;
}

/**
 * The stack key's policy: the account administers it through IAM (so roles get key use from their own policies),
 * and CloudWatch Logs may use it for this account's log groups in this region (log groups cannot use a key
 * through IAM alone). With `ecrReadsUpstreamCredentials`, ECR's pull-through cache role may decrypt through Secrets
 * Manager too: its managed policy allows `secretsmanager:GetSecretValue` but no KMS use, and the Docker Hub
 * credentials are encrypted with this key. The role is named by condition, not as principal: a key policy may not
 * name a role that does not exist yet, and ECR creates this one with the first cache rule.
 */
export function kmsKeyPolicy(account: AccountContext, options: { ecrReadsUpstreamCredentials?: boolean } = {}): string {
    const { partition, accountId, region } = account;
    return policyDocument([
        {
            Sid: "AccountAdministersThroughIam",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
            Effect: "Allow",
            Principal: { Service: `logs.${region}.amazonaws.com` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
        },
        ...(options.ecrReadsUpstreamCredentials ? [{
            Sid: "EcrPullThroughCacheDecryptsUpstreamCredentials",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
                StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `secretsmanager.${region}.amazonaws.com` },
                ArnEquals: { "aws:PrincipalArn": pullThroughCacheRoleArn(account) },
            },
        } as PolicyStatement] : []),
    ]);
}

/** Denies every request to the bucket and its objects that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/**
 * Lets Elastic Load Balancing write access logs under `prefix`: the regional ELB account (regions opened before
 * August 2022) and the log-delivery service principal (newer regions) both, so one policy works in every region.
 */
/**
 * Lets S3 server access logging write under `prefix`, for buckets of this account whose ARN matches
 * `sourceBucketArns` (a wildcard pattern): the logging service principal, which is how a bucket with ACLs disabled
 * receives access logs.
 */
export function s3AccessLogStatement(bucketArn: string, prefix: string, sourceBucketArns: string, account: AccountContext): PolicyStatement {
    return {
        Sid: "S3ServerAccessLogs",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/${prefix}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": account.accountId }, ArnLike: { "aws:SourceArn": sourceBucketArns } },
    };
}

export function albAccessLogStatements(bucketArn: string, prefix: string, elbAccountArn: string, account: AccountContext): PolicyStatement[] {
    const objects = `${bucketArn}/${prefix}/AWSLogs/${account.accountId}/*`;
    return [
        { Sid: "RegionalElbAccountWritesAccessLogs", Effect: "Allow", Principal: { AWS: elbAccountArn }, Action: "s3:PutObject", Resource: objects },
        { Sid: "ElbLogDeliveryWritesAccessLogs", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: objects },
    ];
}
