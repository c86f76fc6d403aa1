import { createStack } from "./components/program";

// Configuration is validated inside createStack before a single resource is declared.
const stack = createStack();

export const environment = stack.settings.environment;
export const publicUrls = stack.publicUrls;
export const caCertificate = stack.caCertificate;
export const connection = stack.connection;
