import * as pulumi from "@pulumi/pulumi";
import type { AwsStack } from "./platforms/aws/AwsStack";
import type { DockerStack } from "./platforms/docker/DockerStack";
import { readSettings } from "./settings/readSettings";
import type { PublicEndpoint, StackSettings } from "./settings/types";

/** What the program exports as stack outputs. */
export interface StackOutputs {
    readonly settings: StackSettings;
    readonly publicUrls: Readonly<Record<PublicEndpoint, string>>;
    readonly caCertificate: pulumi.Output<string>;
    /** Secret. */
    readonly connection: pulumi.Output<object>;
    readonly stack: DockerStack | AwsStack;
    /** AWS only: how `npm run backup` runs the pre-deploy dump task. */
    readonly backupTask?: AwsStack["backupTask"];
}

/** Reads and validates the stack's configuration, then declares the stack on its platform. */
export function createStack(): StackOutputs {
    const { settings, secrets } = readSettings();
    // Only the chosen platform's modules are loaded: each side pulls in its own provider SDK and components
    // (@pulumi/aws alone takes ~0.3 s), which the other platform never uses.
    const stack = settings.platform === "aws"
        ? new (require("./platforms/aws/AwsStack") as typeof import("./platforms/aws/AwsStack")).AwsStack(settings.namePrefix, { settings, secrets })
        : new (require("./platforms/docker/DockerStack") as typeof import("./platforms/docker/DockerStack")).DockerStack(settings.namePrefix, { settings, secrets });
    return { settings, publicUrls: stack.publicUrls, caCertificate: stack.caCertPem, connection: stack.connection, stack, ...("backupTask" in stack ? { backupTask: stack.backupTask } : {}) };
}
