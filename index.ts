import { skipUnusedPromiseDebugStacks } from "./components/runtime/promiseDebugStacks";
import { createStack } from "./components/program";

// Before any resource is declared: see promiseDebugStacks.ts (about half of a run's time under ts-node).
skipUnusedPromiseDebugStacks();

// Configuration is validated inside createStack before a single resource is declared.
const stack = createStack();

export const environment = stack.settings.environment;
export const publicUrls = stack.publicUrls;
export const caCertificate = stack.caCertificate;
export const connection = stack.connection;
