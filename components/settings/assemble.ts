import type { RawConfig } from "./buildSettings";
import type { ConfigValues } from "./schema";
import { DEFAULT_IMAGES } from "./schema/workloads";
import { AlertingSettings, ApiSettings, AwsSettings, BackupSettings, DnsSettings, PUBLIC_ENDPOINTS, PublicEndpoint, StackSettings } from "./types";

/**
 * The StackSettings the rest of the program reads, made of the keys as the schema read them: most groups are taken as
 * they are; what is derived (host names, DNS, the AWS settings on `aws`, receivers that are complete) is made here.
 */
export function assemble(values: ConfigValues, raw: RawConfig): StackSettings {
    const v = values;
    return {
        project: raw.project,
        stack: raw.stack,
        platform: v.platform,
        environment: v.environment,
        namePrefix: `${raw.project}-${raw.stack}`,
        domain: v.domain,
        hostnames: Object.fromEntries(PUBLIC_ENDPOINTS.map((e) => [e, `${e}.${v.domain ?? "localhost"}`])) as Record<PublicEndpoint, string>,
        dns: dnsSettings(v),
        edge: { ...v.edge, acmeEmail: v.acmeEmail },
        aws: awsSettings(v),
        images: v.images,
        resources: v.resources,
        tls: v.tls,
        postgres: v.postgres,
        redis: v.redis,
        prometheus: v.prometheus,
        alerting: alertingSettings(v.alerting),
        api: apiSettings(v.api, v.images.api === DEFAULT_IMAGES.api),
        grafana: v.grafana,
        jaeger: v.jaeger,
        backup: backupSettings(v.backup),
        passwordLength: v.passwordLength,
        protectStateful: v.environment === "production",
    };
}

/** Records in a zone; on Docker they point at the host's public address, without which there are none. */
function dnsSettings(v: ConfigValues): DnsSettings | undefined {
    const { dnsZone: zone, dnsTtl: ttl, publicAddress } = v;
    if (!zone) return undefined;
    // On AWS the records alias the load balancer; a `publicAddress` kept for `platform: docker` is carried, unused.
    if (v.platform === "aws") return { zone, ttl, ...(publicAddress ? { publicAddress } : {}) };
    return publicAddress ? { zone, ttl, publicAddress } : undefined;
}

/** Present exactly on `aws`, with a region. */
function awsSettings(v: ConfigValues): AwsSettings | undefined {
    const { region, dockerHubUsername, teamRegistryUsername, ...rest } = v.aws;
    if (v.platform !== "aws" || region === undefined) return undefined;
    return {
        region,
        availabilityZones: rest.availabilityZones,
        vpcCidr: rest.vpcCidr,
        postgres: awsPostgresSettings(rest.postgres),
        redis: rest.redis,
        api: rest.api,
        logRetentionDays: rest.logRetentionDays,
        pullThroughCache: rest.pullThroughCache,
        ...(dockerHubUsername ? { dockerHubUsername } : {}),
        ...(teamRegistryUsername ? { teamRegistryUsername } : {}),
    };
}

/** In the order the settings have always listed them. */
function awsPostgresSettings(p: ConfigValues["aws"]["postgres"]): AwsSettings["postgres"] {
    return {
        engineVersion: p.engineVersion,
        instanceClass: p.instanceClass,
        allocatedStorageGiB: p.allocatedStorageGiB,
        maxAllocatedStorageGiB: p.maxAllocatedStorageGiB,
        backupRetentionDays: p.backupRetentionDays,
        applyImmediately: p.applyImmediately,
    };
}

/** The API's settings, in the order they have always been listed, and whether its image is the local stand-in. */
function apiSettings(a: ConfigValues["api"], standIn: boolean): ApiSettings {
    return {
        port: a.port,
        scheme: a.scheme,
        args: a.args,
        env: a.env,
        livePath: a.livePath,
        readyPath: a.readyPath,
        metricsPath: a.metricsPath,
        metricNames: a.metricNames,
        user: a.user,
        healthcheck: a.healthcheck,
        standIn,
    };
}

/** A receiver is configured when its required keys are all valid. */
function alertingSettings(a: ConfigValues["alerting"]): AlertingSettings {
    const { slack, email, ...rest } = a;
    return {
        repeatInterval: rest.repeatInterval,
        groupWait: rest.groupWait,
        groupInterval: rest.groupInterval,
        slack: slack?.channel ? { channel: slack.channel } : undefined,
        email: email?.to && email.from && email.smarthost ? { to: email.to, from: email.from, smarthost: email.smarthost, username: email.username } : undefined,
        pagerduty: rest.pagerduty,
        webhook: rest.webhook,
        watchdog: rest.watchdog,
        runbookUrl: rest.runbookUrl,
    };
}

/** The off-host copy is configured when its bucket and region are valid. */
function backupSettings(b: ConfigValues["backup"]): BackupSettings {
    const { offsite, ...rest } = b;
    const copy = offsite?.bucket && offsite.region ? {
        region: offsite.region,
        bucket: offsite.bucket,
        prefix: offsite.prefix,
        serverSideEncryption: offsite.serverSideEncryption,
        ...(offsite.endpoint ? { endpoint: offsite.endpoint } : {}),
        ...(offsite.kmsKeyId ? { kmsKeyId: offsite.kmsKeyId } : {}),
        ...(offsite.caCertificate ? { caCertificate: offsite.caCertificate } : {}),
    } : undefined;
    return { schedule: rest.schedule, keepDays: rest.keepDays, keepCount: rest.keepCount, maxAgeHours: rest.maxAgeHours, ...(copy ? { offsite: copy } : {}) };
}
