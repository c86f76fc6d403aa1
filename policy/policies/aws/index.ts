import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { descriptionProblems, NAME_RULES, nameProblems, SECURITY_GROUP_TYPES } from "../../lib/awsNames";
import { configOf, globMatches } from "../../lib/config";
import { isCredentialName, isFileReference } from "../../lib/credentials";
import { anonymousDockerHubImages, ContainerDefinition } from "../../lib/ecsTasks";
import { isRootUser } from "../../lib/docker";
import { onTypes } from "../../lib/validations";
import { AWS } from "../../lib/awsTypes";
import { field, items, known, plainProps, readable, text, UNREADABLE } from "../../lib/values";

interface RdsProps {
    storageEncrypted?: boolean;
    publiclyAccessible?: boolean;
    backupRetentionPeriod?: number;
    deletionProtection?: boolean;
    multiAz?: boolean;
    engine?: string;
}

/** Requires RDS storage encryption. */
export const requireRdsEncryption: ResourceValidationPolicy = {
    name: "require-rds-encryption",
    description: "RDS instances and clusters encrypt their storage (and so their snapshots and backups).",
    remediationSteps: "Set `storageEncrypted: true` (with `kmsKeyId` for a customer-managed key); an existing instance must be restored from an encrypted snapshot.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance, AWS.rdsCluster], (db, _args, report) => {
        if (db.storageEncrypted !== true) report("Storage is not encrypted (`storageEncrypted`).");
    }),
};

/** Forbids publicly accessible RDS instances. */
export const disallowPublicRds: ResourceValidationPolicy = {
    name: "disallow-public-rds",
    description: "RDS instances are not publicly accessible; only the services' security group reaches them.",
    remediationSteps: "Set `publiclyAccessible: false` and place the instance in private subnets.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance], (db, _args, report) => {
        if (db.publiclyAccessible === true) report("The instance is publicly accessible.");
    }),
};

/** Requires automated backups kept for at least `minRetentionDays`. */
export const requireRdsBackups: ResourceValidationPolicy = {
    name: "require-rds-backups",
    description: "RDS keeps automated backups for at least `minRetentionDays` days (7 by default).",
    remediationSteps: "Set `backupRetentionPeriod` on the instance or cluster to at least `minRetentionDays` (35 at most).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } } },
    validateResource: onTypes<RdsProps>([AWS.rdsInstance, AWS.rdsCluster], (db, args, report) => {
        const { minRetentionDays } = configOf(args, { minRetentionDays: 7 });
        // Both providers default to 1 day for clusters and 0 (none) for instances created by API.
        const days = Number(db.backupRetentionPeriod ?? 0);
        if (days < minRetentionDays) report(`Backups are kept ${days} days; at least ${minRetentionDays} required.`);
    }),
};

/** Requires deletion protection on databases (mandatory in production). */
export const requireRdsDeletionProtection: ResourceValidationPolicy = {
    name: "require-rds-deletion-protection",
    description: "RDS instances and clusters have deletion protection.",
    remediationSteps: "Set `deletionProtection: true` (and `protect: true` on the resource).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance, AWS.rdsCluster], (db, _args, report) => {
        if (db.deletionProtection !== true) report("Deletion protection is off.");
    }),
};

/** Requires Multi-AZ database instances (mandatory in production). */
export const requireRdsMultiAz: ResourceValidationPolicy = {
    name: "require-rds-multi-az",
    description: "RDS instances run Multi-AZ, so a zone failure fails over instead of taking the database down.",
    remediationSteps: "Set `multiAz: true` on the instance (a standby in a second availability zone; the change causes a brief failover).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<RdsProps>([AWS.rdsInstance], (db, _args, report) => {
        if (db.multiAz !== true) report("The instance is single-AZ.");
    }),
};

/** Requires PostgreSQL parameter groups to force TLS. */
export const requireRdsForceSsl: ResourceValidationPolicy = {
    name: "require-rds-force-ssl",
    description: "PostgreSQL parameter groups set `rds.force_ssl = 1`, so the database refuses connections without TLS.",
    remediationSteps: "Add `{ name: \"rds.force_ssl\", value: \"1\" }` to the parameter group's `parameters`.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ family?: string; parameters?: { name: string; value: unknown }[] }>([AWS.rdsParameterGroup, AWS.rdsClusterParameterGroup], (group, args, report) => {
        const family = text(field(() => group.family));
        if (typeof family !== "string" || !/postgres/i.test(family)) args.notApplicable("not a PostgreSQL parameter group");
        const parameters = items(() => group.parameters);
        const forceSsl = readable(parameters).find((p) => text(field(() => p.name)) === "rds.force_ssl");
        const value = forceSsl ? text(field(() => forceSsl.value)) : undefined;
        // An unknown list (or element) may hold the setting: nothing can be called missing during preview.
        if (value === UNREADABLE || (!forceSsl && (known(() => group.parameters) === UNREADABLE || parameters.includes(UNREADABLE)))) return;
        if (value !== "1") report(`\`rds.force_ssl\` is ${value ?? "not set"}; it must be 1.`);
    }),
};

interface ReplicationGroupProps {
    authTokenUpdateStrategy?: string;
    atRestEncryptionEnabled?: boolean;
    transitEncryptionEnabled?: boolean;
    authToken?: unknown;
    authTokenWoVersion?: number;
    userGroupIds?: string[];
    automaticFailoverEnabled?: boolean;
    multiAzEnabled?: boolean;
}

/** Requires ElastiCache encryption at rest and in transit, and authentication. */
export const requireElasticacheEncryption: ResourceValidationPolicy = {
    name: "require-elasticache-encryption",
    description: "ElastiCache replication groups encrypt at rest and in transit and require authentication (AUTH token or RBAC user group).",
    remediationSteps: "Set `atRestEncryptionEnabled: true`, `transitEncryptionEnabled: true`, and `authToken` (a secret) or `userGroupIds`.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<ReplicationGroupProps>([AWS.replicationGroup], (group, _args, report) => {
        if (group.atRestEncryptionEnabled !== true) report("Encryption at rest is off.");
        if (group.transitEncryptionEnabled !== true) report("Encryption in transit is off.");
        const token = field(() => group.authToken);
        const hasAuth = (token !== undefined && token !== null && token !== "") || group.authTokenWoVersion !== undefined || readable(items(() => group.userGroupIds)).length > 0;
        if (!hasAuth) report("No authentication: set `authToken` or `userGroupIds`.");
    }),
};

/** Requires automatic failover across zones (mandatory in production). */
export const requireElasticacheFailover: ResourceValidationPolicy = {
    name: "require-elasticache-failover",
    description: "ElastiCache replication groups fail over automatically across availability zones.",
    remediationSteps: "Set `automaticFailoverEnabled: true`, `multiAzEnabled: true` and at least two cache clusters.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<ReplicationGroupProps>([AWS.replicationGroup], (group, _args, report) => {
        if (group.automaticFailoverEnabled !== true) report("Automatic failover is off.");
        if (group.multiAzEnabled !== true) report("Multi-AZ is off.");
    }),
};

/** Flags an AUTH token rotation left half-done: with ROTATE, the previous token stays valid beside the new one. */
export const requireElasticacheAuthTokenSet: ResourceValidationPolicy = {
    name: "require-elasticache-auth-token-set",
    description: "ElastiCache replication groups apply their AUTH token with `SET`, so only the current token is valid; `ROTATE` (old and new token both valid) belongs only to the change-over of a rotation.",
    remediationSteps: "Once every client uses the new token, set `authTokenUpdateStrategy: \"SET\"` (the stack's `aws.redis.authTokenUpdateStrategy`) and update: ElastiCache then drops the old token.",
    enforcementLevel: "advisory",
    validateResource: onTypes<ReplicationGroupProps>([AWS.replicationGroup], (group, _args, report) => {
        if (text(field(() => group.authTokenUpdateStrategy)) === "ROTATE") report("The AUTH token strategy is ROTATE: the previous token is still accepted.");
    }),
};

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];
const INGRESS_DEFAULTS = { publicPorts: [80, 443], publicSecurityGroups: ["*-alb*", "*-lb*"] };

/** Requires internet-wide ingress only on the load balancer's security group, and only for the web ports. */
export const restrictSecurityGroupIngress: ResourceValidationPolicy = {
    name: "restrict-security-group-ingress",
    description: "No security group admits 0.0.0.0/0 or ::/0, except the load balancer's on ports 80 and 443.",
    remediationSteps: "Admit traffic from the load balancer's security group instead of a CIDR; internet ingress belongs only on the load balancer (named in `publicSecurityGroups`).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            publicPorts: { type: "array", items: { type: "integer" }, default: INGRESS_DEFAULTS.publicPorts },
            publicSecurityGroups: { type: "array", items: { type: "string" }, default: INGRESS_DEFAULTS.publicSecurityGroups, description: "Resource-name globs of load balancer security groups." },
        },
    },
    validateResource: onTypes<Record<string, unknown>>([AWS.securityGroup, AWS.securityGroupRule, AWS.ingressRule], (props, args, report) => {
        const { publicPorts, publicSecurityGroups } = configOf(args, INGRESS_DEFAULTS);
        const isPublicGroup = publicSecurityGroups.some((g) => globMatches(g, args.name));
        type Rule = { fromPort?: number; toPort?: number; protocol?: string; ipProtocol?: string; cidrBlocks?: string[]; ipv6CidrBlocks?: string[]; cidrIpv4?: string; cidrIpv6?: string; type?: string };
        const rules: Rule[] = args.type === AWS.securityGroup ? readable(items(() => props.ingress as Rule[] | undefined)) : [props as Rule];
        for (const rule of rules) {
            if (args.type === AWS.securityGroupRule && text(field(() => rule.type)) !== "ingress") continue;
            const cidrs = [
                ...readable(items(() => rule.cidrBlocks)), ...readable(items(() => rule.ipv6CidrBlocks)),
                text(field(() => rule.cidrIpv4)), text(field(() => rule.cidrIpv6)),
            ].filter((c): c is string => typeof c === "string");
            const open = cidrs.filter((c) => OPEN_CIDRS.includes(c));
            if (open.length === 0) continue;
            const protocol = String(rule.protocol ?? rule.ipProtocol ?? "tcp");
            const from = Number(rule.fromPort ?? 0);
            const to = Number(rule.toPort ?? from);
            const allPorts = protocol === "-1" || protocol === "all";
            const onlyPublicPorts = !allPorts && from === to && publicPorts.includes(from);
            if (!isPublicGroup || !onlyPublicPorts) {
                report(`Ingress from ${open.join(", ")} on ${allPorts ? "all ports" : from === to ? `port ${from}` : `ports ${from}-${to}`}${isPublicGroup ? "" : " of a security group that is not the load balancer's"}.`);
            }
        }
    }),
};

const LISTENER_DEFAULTS = { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"] };

/** Requires load balancer listeners to serve HTTPS with a TLS 1.2+/1.3 policy, or to redirect HTTP to HTTPS. */
export const requireHttpsListeners: ResourceValidationPolicy = {
    name: "require-https-listeners",
    description: "Load balancer listeners serve HTTPS with a TLS 1.3 security policy (TLS 1.2 minimum), or only redirect HTTP to HTTPS.",
    remediationSteps: "Use `protocol: \"HTTPS\"` with `sslPolicy` from `allowedSslPolicies` and an ACM certificate; a port-80 listener's only action is a `redirect` to HTTPS (HTTP_301).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedSslPolicies: { type: "array", items: { type: "string" }, default: LISTENER_DEFAULTS.allowedSslPolicies } } },
    validateResource: onTypes<{ protocol?: string; sslPolicy?: string; defaultActions?: { type?: string; redirect?: { protocol?: string } }[] }>([AWS.lbListener, AWS.albListener], (listener, args, report) => {
        const { allowedSslPolicies } = configOf(args, LISTENER_DEFAULTS);
        const protocol = String(listener.protocol ?? "HTTP").toUpperCase();
        if (protocol === "HTTPS" || protocol === "TLS") {
            const policy = text(field(() => listener.sslPolicy));
            if (policy === UNREADABLE) return;
            if (!policy || !allowedSslPolicies.includes(policy)) report(`TLS policy ${policy ?? "(default ELBSecurityPolicy-2016-08, which allows TLS 1.0)"} is not allowed; use one of ${allowedSslPolicies.join(", ")}.`);
            return;
        }
        const actions = readable(items(() => listener.defaultActions));
        const redirectsToHttps = actions.length > 0 && actions.every((a) => a.type === "redirect" && String(a.redirect?.protocol ?? "").toUpperCase() === "HTTPS");
        if (!redirectsToHttps) report(`${protocol} listener does more than redirect to HTTPS.`);
    }),
};

/** Requires application load balancers to drop invalid header fields (request smuggling). */
export const requireAlbDropInvalidHeaders: ResourceValidationPolicy = {
    name: "require-alb-drop-invalid-headers",
    description: "Application load balancers drop HTTP headers with invalid names (a request-smuggling defence).",
    remediationSteps: "Set `dropInvalidHeaderFields: true` on the load balancer.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ loadBalancerType?: string; dropInvalidHeaderFields?: boolean }>([AWS.lb, AWS.alb], (lb, args, report) => {
        if ((lb.loadBalancerType ?? "application") !== "application") args.notApplicable("not an application load balancer");
        if (lb.dropInvalidHeaderFields !== true) report("Invalid header fields are passed through (`dropInvalidHeaderFields`).");
    }),
};

/** Requires ACM certificates validated by DNS, so renewal needs no human. */
export const requireAcmDnsValidation: ResourceValidationPolicy = {
    name: "require-acm-dns-validation",
    description: "ACM certificates are validated by DNS (renewed automatically), not by e-mail.",
    remediationSteps: "Set `validationMethod: \"DNS\"` and declare the validation records in Route53 with a CertificateValidation.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ validationMethod?: string; privateKey?: unknown; certificateAuthorityArn?: string }>([AWS.acmCertificate], (cert, args, report) => {
        if (cert.certificateAuthorityArn || field(() => cert.privateKey) !== undefined) args.notApplicable("private-CA or imported certificate");
        if (String(cert.validationMethod ?? "") !== "DNS") report(`Validation method is ${cert.validationMethod ?? "not set"}; use DNS.`);
    }),
};

interface EcsContainerDefinition {
    name?: string;
    privileged?: boolean;
    readonlyRootFilesystem?: boolean;
    user?: string;
    essential?: boolean;
    portMappings?: unknown[];
    dependsOn?: { containerName?: string; condition?: string }[];
    linuxParameters?: { capabilities?: { add?: string[]; drop?: string[] } };
    environment?: { name?: string; value?: string }[];
}

/** The container definitions of a task definition (a JSON string), or undefined when unreadable. */
function containerDefinitions(raw: unknown, report: (m: string) => void): EcsContainerDefinition[] | undefined {
    const json = text(raw);
    if (json === UNREADABLE || json === undefined) return undefined;
    try {
        const parsed = JSON.parse(json) as unknown;
        return Array.isArray(parsed) ? (parsed as EcsContainerDefinition[]) : undefined;
    } catch {
        report("`containerDefinitions` is not valid JSON.");
        return undefined;
    }
}

/** Forbids credentials in ECS task environments; they belong in `secrets` (Secrets Manager / SSM). */
export const disallowEcsPlaintextSecrets: ResourceValidationPolicy = {
    name: "disallow-ecs-plaintext-secrets",
    description: "ECS container definitions carry no credential in `environment`; credentials come from Secrets Manager through `secrets`.",
    remediationSteps: "Move the variable from `environment` to `secrets` with `valueFrom` set to the Secrets Manager ARN.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ containerDefinitions?: unknown }>([AWS.taskDefinition], (task, _args, report) => {
        for (const def of containerDefinitions(field(() => task.containerDefinitions), report) ?? []) {
            for (const env of def.environment ?? []) {
                if (env.name && isCredentialName(env.name) && !isFileReference(String(env.value ?? ""))) report(`Container ${def.name ?? "?"}: environment variable ${env.name} carries a credential; use \`secrets\`.`);
            }
        }
    }),
};

/** Docker's default capabilities (what an ECS container keeps unless it drops them). */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];

/**
 * Why a root container does not qualify as a file hand-over init container, or none when it does. Fargate creates
 * task-local volumes owned by root (aws/containers-roadmap#938) and lets a task add back only SYS_PTRACE, so the
 * only way to fill them for non-root consumers is a root container that keeps CHOWN alone, dropping the rest by name.
 * Such a container is allowed when it is a one-shot step others wait for, serves nothing and keeps nothing but CHOWN.
 */
function rootInitShortfalls(def: EcsContainerDefinition, all: readonly EcsContainerDefinition[]): string[] {
    const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
    const normalise = (cap: unknown) => String(cap).toUpperCase().replace(/^CAP_/, "");
    const capabilities = def.linuxParameters?.capabilities;
    const dropped = new Set(list(capabilities?.drop).map(normalise));
    const added = list(capabilities?.add).map(normalise);
    const kept = dropped.has("ALL") ? [] : DOCKER_DEFAULT_CAPABILITIES.filter((c) => c !== "CHOWN" && !dropped.has(c));
    const awaited = all.some((other) => other !== def && list(other.dependsOn).some((d) => (d as { containerName?: unknown }).containerName === def.name && (d as { condition?: unknown }).condition === "SUCCESS"));
    return [
        ...(def.essential !== false ? ["it is essential"] : []),
        ...(awaited ? [] : ["no container waits for its SUCCESS"]),
        ...(list(def.portMappings).length > 0 ? ["it maps ports"] : []),
        ...(added.length > 0 ? [`it adds ${added.join(", ")}`] : []),
        ...(kept.length > 0 ? [`it keeps ${kept.join(", ")}`] : []),
    ];
}

/** Requires hardened ECS containers: not privileged, read-only root, non-root user (or a capability-less root init). */
export const requireEcsContainerHardening: ResourceValidationPolicy = {
    name: "require-ecs-container-hardening",
    description: "ECS containers are not privileged, have a read-only root filesystem and run as a non-root user with every capability dropped; only a one-shot init container that keeps no capability but CHOWN may run as root.",
    remediationSteps: "In each container definition set `privileged: false`, `readonlyRootFilesystem: true`, `user` to the image's unprivileged uid:gid and `linuxParameters.capabilities.drop: [\"ALL\"]`. A container that must hand files to other users (Fargate's task volumes are root's) may run as root only with `essential: false`, no port mappings, others waiting for its SUCCESS, nothing in `capabilities.add`, and every default capability but CHOWN in `capabilities.drop`.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ containerDefinitions?: unknown }>([AWS.taskDefinition], (task, _args, report) => {
        const defs = containerDefinitions(field(() => task.containerDefinitions), report) ?? [];
        for (const def of defs) {
            const name = def.name ?? "?";
            if (def.privileged === true) report(`Container ${name} is privileged.`);
            if (def.readonlyRootFilesystem !== true) report(`Container ${name} has a writable root filesystem.`);
            if (isRootUser(def.user)) {
                const shortfalls = rootInitShortfalls(def, defs);
                if (shortfalls.length > 0) report(`Container ${name} runs as root but is not a one-shot init container keeping only CHOWN: ${shortfalls.join("; ")}.`);
            } else {
                // A non-root process needs no capability; one left in the bounding set is one an exploit can use.
                const capabilities = def.linuxParameters?.capabilities;
                const drop = (Array.isArray(capabilities?.drop) ? capabilities.drop : []).map((c) => String(c).toUpperCase().replace(/^CAP_/, ""));
                const add = Array.isArray(capabilities?.add) ? capabilities.add : [];
                if (!drop.includes("ALL")) report(`Container ${name} does not drop ALL capabilities (\`linuxParameters.capabilities.drop\`).`);
                if (add.length > 0) report(`Container ${name} adds capabilities ${add.join(", ")}.`);
            }
        }
    }),
};

/** Requires log groups with bounded retention and KMS encryption. */
export const requireLogGroupRetentionAndKms: ResourceValidationPolicy = {
    name: "require-log-group-retention-and-kms",
    description: "CloudWatch log groups have a retention period (between `minRetentionDays` and `maxRetentionDays`) and a KMS key.",
    remediationSteps: "Set `retentionInDays` within the bounds and `kmsKeyId` to the stack's KMS key ARN.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, default: 14 }, maxRetentionDays: { type: "integer", minimum: 1, default: 400 } } },
    validateResource: onTypes<{ retentionInDays?: number; kmsKeyId?: string }>([AWS.logGroup], (group, args, report) => {
        const { minRetentionDays, maxRetentionDays } = configOf(args, { minRetentionDays: 14, maxRetentionDays: 400 });
        const days = Number(group.retentionInDays ?? 0);
        if (days === 0) report("Logs never expire (`retentionInDays` unset or 0).");
        else if (days < minRetentionDays || days > maxRetentionDays) report(`Retention of ${days} days is outside ${minRetentionDays}–${maxRetentionDays}.`);
        if (!field(() => group.kmsKeyId)) report("Logs are not encrypted with a KMS key (`kmsKeyId`).");
    }),
};

/** Requires Secrets Manager secrets encrypted with a customer-managed KMS key. */
export const requireSecretsManagerKms: ResourceValidationPolicy = {
    name: "require-secrets-manager-kms",
    description: "Secrets Manager secrets are encrypted with the stack's KMS key, not the account default.",
    remediationSteps: "Set `kmsKeyId` on the secret to the stack's customer-managed KMS key (with rotation on), so access is governed by its key policy.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ kmsKeyId?: string }>([AWS.secret], (secret, _args, report) => {
        if (!field(() => secret.kmsKeyId)) report("The secret uses the account's default key (`kmsKeyId` unset).");
    }),
};

/** Requires KMS key rotation. */
export const requireKmsKeyRotation: ResourceValidationPolicy = {
    name: "require-kms-key-rotation",
    description: "Symmetric KMS keys rotate automatically.",
    remediationSteps: "Set `enableKeyRotation: true` on the key (yearly rotation; old versions still decrypt).",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ enableKeyRotation?: boolean; customerMasterKeySpec?: string; keySpec?: string }>([AWS.kmsKey], (key, args, report) => {
        const spec = key.keySpec ?? key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable("asymmetric and HMAC keys cannot rotate");
        if (key.enableKeyRotation !== true) report("Automatic key rotation is off.");
    }),
};

/** True when a bucket policy document denies requests without TLS (`aws:SecureTransport` false). */
export function deniesInsecureTransport(policy: unknown): boolean {
    const json = typeof policy === "string" ? policy : JSON.stringify(policy ?? {});
    let doc: { Statement?: unknown };
    try {
        doc = JSON.parse(json) as { Statement?: unknown };
    } catch {
        return false;
    }
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return statements.some((s: { Effect?: string; Condition?: Record<string, Record<string, unknown>> }) => {
        const bool = s.Condition?.Bool ?? s.Condition?.bool;
        const secure = bool?.["aws:SecureTransport"];
        return s.Effect === "Deny" && (secure === false || secure === "false" || (Array.isArray(secure) && secure.includes("false")));
    });
}

/**
 * Requires every S3 bucket to have its public access block (all four flags), server-side encryption and a
 * TLS-only bucket policy. A stack policy: in @pulumi/aws these are separate resources that name the bucket.
 */
export const requireS3BucketProtection: StackValidationPolicy = {
    name: "require-s3-bucket-protection",
    description: "Every S3 bucket blocks public access (all four flags), has server-side encryption configured, and a bucket policy that denies requests without TLS.",
    remediationSteps: "Declare a BucketPublicAccessBlock (all four flags true), a BucketServerSideEncryptionConfiguration (aws:kms) and a BucketPolicy denying `aws:SecureTransport = false` for the bucket.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const buckets = args.resources.filter((r) => r.type === AWS.bucket || r.type === AWS.bucketV2);
        if (buckets.length === 0) args.notApplicable("no S3 buckets");
        // Resources that name a bucket: those that certainly do, and whether any might (reference unknown in preview).
        const referring = (types: string[], ids: unknown[]) => {
            const candidates = args.resources.filter((r) => types.includes(r.type));
            const refs = candidates.map((r) => ({ r, ref: field(() => r.props.bucket) }));
            return { matches: refs.filter((x) => ids.includes(x.ref)).map((x) => x.r), undecided: refs.some((x) => x.ref === UNREADABLE) };
        };
        for (const bucket of buckets) {
            const ids = [field(() => bucket.props.id), field(() => bucket.props.bucket), field(() => bucket.props.arn)].filter((v) => v !== UNREADABLE && v !== undefined);
            if (ids.length === 0) continue;
            // An unknown value during preview counts as satisfying: no violation is reported on what cannot be read.
            const checks: [string[], (r: (typeof buckets)[number]) => boolean, string][] = [
                [[AWS.bucketPublicAccessBlock], (b) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => { const v = field(() => b.props[k]); return v === true || v === UNREADABLE; }), "no public access block with all four flags set"],
                [[AWS.bucketEncryption, AWS.bucketEncryptionV2], () => true, "no server-side encryption configuration"],
                [[AWS.bucketPolicy], (p) => { const doc = field(() => p.props.policy); return doc === UNREADABLE || deniesInsecureTransport(doc); }, "no policy denying requests without TLS"],
            ];
            for (const [types, satisfies, problem] of checks) {
                const { matches, undecided } = referring(types, ids);
                if (!matches.some(satisfies) && !undecided) report(`Bucket ${bucket.name} has ${problem}.`, bucket.urn);
            }
        }
    },
};

/** Requires every AWS name, explicit, prefixed or auto-generated, to fit the service's length and character rules. */
export const requireValidAwsNames: ResourceValidationPolicy = {
    name: "require-valid-aws-names",
    description: "AWS resource names fit the service's length limit and character set, whether explicit, a `namePrefix` plus the provider's suffix, or Pulumi's auto-name (the resource name plus 8 characters).",
    remediationSteps: "Give the resource an explicit name within the limit (e.g. the stack prefix shortened with a hash), or a shorter resource name; a `namePrefix` leaves 26 characters fewer than the limit.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<Record<string, unknown>>(Object.keys(NAME_RULES), (props, args, report) => {
        const fields = NAME_RULES[args.type]!.flatMap((r) => [r.property, ...(r.prefixProperty ? [r.prefixProperty] : [])]);
        for (const problem of nameProblems(args.type, args.name, plainProps(props, fields))) report(problem);
    }),
};

/** Requires security group and rule descriptions EC2 accepts. */
export const requireValidSecurityGroupDescriptions: ResourceValidationPolicy = {
    name: "require-valid-security-group-descriptions",
    description: "Security group and security group rule descriptions use only the characters EC2 accepts (`a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`) and at most 255 of them.",
    remediationSteps: "Rewrite the description without the refused characters (an apostrophe or quote is the usual one: \"from the tasks\" instead of \"from the stack's tasks\").",
    enforcementLevel: "mandatory",
    validateResource: onTypes<Record<string, unknown>>(SECURITY_GROUP_TYPES, (props, args, report) => {
        for (const problem of descriptionProblems(args.type, plainProps(props, ["description"]))) report(problem);
    }),
};

/** Forbids task definitions that pull Docker Hub images anonymously. */
export const disallowAnonymousDockerHubPulls: ResourceValidationPolicy = {
    name: "disallow-anonymous-docker-hub-pulls",
    description: "ECS containers do not pull images anonymously from Docker Hub (or a front that redirects to it), which limits anonymous pulls per IP: every task start behind one NAT address counts.",
    remediationSteps: "Pull through an ECR pull-through cache rule for Docker Hub (the image becomes `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/…`), mirror the image into ECR, or give the container `repositoryCredentials` for a Docker Hub account.",
    enforcementLevel: "mandatory",
    validateResource: onTypes<{ containerDefinitions?: unknown }>([AWS.taskDefinition], (task, _args, report) => {
        const defs = (containerDefinitions(field(() => task.containerDefinitions), report) ?? []) as ContainerDefinition[];
        for (const d of anonymousDockerHubImages(defs)) report(`Container ${d.name ?? "?"} pulls ${d.image} anonymously from Docker Hub.`);
    }),
};

/** Every AWS policy, in the order the pack lists them. */
export const awsPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    requireRdsEncryption,
    disallowPublicRds,
    requireRdsBackups,
    requireRdsDeletionProtection,
    requireRdsMultiAz,
    requireRdsForceSsl,
    requireElasticacheEncryption,
    requireElasticacheFailover,
    requireElasticacheAuthTokenSet,
    restrictSecurityGroupIngress,
    requireHttpsListeners,
    requireAlbDropInvalidHeaders,
    requireAcmDnsValidation,
    disallowEcsPlaintextSecrets,
    requireEcsContainerHardening,
    requireLogGroupRetentionAndKms,
    requireSecretsManagerKms,
    requireKmsKeyRotation,
    requireS3BucketProtection,
    requireValidAwsNames,
    requireValidSecurityGroupDescriptions,
    disallowAnonymousDockerHubPulls,
];
