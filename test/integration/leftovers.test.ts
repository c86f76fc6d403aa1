import { expect } from "chai";
import * as fs from "fs";

/**
 * A root hook: once every suite has run, no process this mocha process started (servers, their workers, stand-ins)
 * is still alive. Each suite stops its own servers; this catches the one that forgot, or whose server ignored it.
 */

/** Parent pid of every live process, read from /proc (Linux). */
function parents(): Map<number, number> {
    const map = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            if (fields[0] !== "Z") map.set(Number(entry), Number(fields[1]));
        } catch {
            // the process exited while we read
        }
    }
    return map;
}

/** Command lines of every live descendant of `root`. */
function descendants(root: number): string[] {
    const map = parents();
    const found: string[] = [];
    const walk = (pid: number) => {
        for (const [child, parent] of map) {
            if (parent !== pid) continue;
            let command = "?";
            try {
                command = fs.readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").join(" ").trim();
            } catch {
                // exited meanwhile
            }
            found.push(`${child}: ${command}`);
            walk(child);
        }
    };
    walk(root);
    return found;
}

after(async function () {
    if (!fs.existsSync("/proc/self/stat")) return;
    this.timeout(15000);
    // Servers may take a moment to reap their own workers after their main process was stopped.
    let left = descendants(process.pid);
    for (let i = 0; i < 20 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        left = descendants(process.pid);
    }
    expect(left, "processes left behind by the integration suite").to.deep.equal([]);
});
