import * as pulumi from "@pulumi/pulumi";
import { AwsStack } from "./aws/AwsStack";
import { DockerStack } from "./docker/DockerStack";
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
}

/** Reads and validates the stack's configuration, then declares the stack on its platform. */
export function createStack(): StackOutputs {
    const { settings, secrets } = readSettings();
    const stack = settings.platform === "aws"
        ? new AwsStack(settings.namePrefix, { settings, secrets })
        : new DockerStack(settings.namePrefix, { settings, secrets });
    return { settings, publicUrls: stack.publicUrls, caCertificate: stack.caCertPem, connection: stack.connection, stack };
}
