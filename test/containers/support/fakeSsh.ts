import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * An `ssh` for tests that runs `docker system dial-stdio` against a local engine instead of a remote host, logging
 * each session's arguments: the ssh transport's plumbing proven without an ssh server.
 */
export function fakeSsh(docker: string, dockerHost: string): { dir: string; argv: () => string[]; remove: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ssh-"));
    const log = path.join(dir, "argv.log");
    fs.writeFileSync(path.join(dir, "ssh"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${docker}' -H '${dockerHost}' system dial-stdio\n`, { mode: 0o755 });
    return {
        dir,
        argv: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []),
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}
