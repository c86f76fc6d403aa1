/** Server-side encryption the off-host copy asks S3 for. */
export const SERVER_SIDE_ENCRYPTIONS = ["AES256", "aws:kms"] as const;
export type ServerSideEncryption = (typeof SERVER_SIDE_ENCRYPTIONS)[number];

/** Where the backup job copies each verified dump off the host: an S3 bucket (AWS or S3-compatible). */
export interface BackupOffsiteSettings {
    /** `https://host[:port]` of an S3-compatible store; undefined means AWS S3 in `region`. */
    readonly endpoint?: string;
    readonly region: string;
    readonly bucket: string;
    /** Key prefix ending in `/`; defaults to `<project>/<stack>/`. */
    readonly prefix: string;
    readonly serverSideEncryption: ServerSideEncryption;
    /** KMS key for `aws:kms`; undefined means the bucket's default key. */
    readonly kmsKeyId?: string;
    /** PEM of the private CA that issued the endpoint's certificate; undefined means the image's trusted CAs. */
    readonly caCertificate?: string;
}

/** The Docker platform's backup job (components/workloads/backup.ts, realised by components/platforms/docker/layout.ts). */
export interface BackupSettings {
    /** UTC times of day `HH:MM` of the scheduled runs, sorted. */
    readonly schedule: readonly string[];
    /** A dump older than this many days is removed after a successful run (the newest never is). */
    readonly keepDays: number;
    /** At most this many dumps are kept (the newest ones). */
    readonly keepCount: number;
    /** BackupMissing fires when no run has succeeded for this many hours. */
    readonly maxAgeHours: number;
    readonly offsite?: BackupOffsiteSettings;
}
