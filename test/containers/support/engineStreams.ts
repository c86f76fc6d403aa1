/**
 * The two byte formats the Engine API speaks besides JSON: tar archives (container archive endpoints, image import)
 * and the multiplexed stdout/stderr stream of logs and exec. Small on purpose: one archive entry per upload is all
 * the Docker provider sends.
 */

export interface TarEntry {
    /** Path as written in the archive; an absolute path keeps its leading `/` (as the provider writes it). */
    readonly name: string;
    readonly type: "file" | "directory" | "symlink";
    /** Permission bits (e.g. 0o400). */
    readonly mode: number;
    readonly uid: number;
    readonly gid: number;
    readonly mtime: Date;
    readonly content?: Buffer;
    readonly linkname?: string;
}

const BLOCK = 512;
const TYPEFLAG = { file: "0", directory: "5", symlink: "2" } as const;
/** Largest value a 7-digit octal ustar field holds (uid, gid, mode). */
const MAX_OCTAL7 = 0o7777777;
const MAX_SIZE = 0o77777777777;

function octal(value: number, width: number): string {
    // Zero-padded digits and a NUL, as Go's archive/tar (the provider's writer) formats numeric fields.
    return value.toString(8).padStart(width - 1, "0") + "\0";
}

/** Splits a long name into ustar's prefix (≤155) and name (≤100) at a slash, or undefined when it cannot. */
function splitUstar(name: string): { prefix: string; name: string } | undefined {
    if (Buffer.byteLength(name) <= 100) return { prefix: "", name };
    for (let i = name.length - 1; i > 0; i--) {
        if (name[i] !== "/") continue;
        const prefix = name.slice(0, i);
        const rest = name.slice(i + 1);
        if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return { prefix, name: rest };
    }
    return undefined;
}

function header(fields: { name: string; prefix: string; mode: number; uid: number; gid: number; size: number; mtime: Date; type: string; linkname: string }): Buffer {
    const block = Buffer.alloc(BLOCK);
    block.write(fields.name, 0, 100);
    block.write(octal(fields.mode, 8), 100);
    block.write(octal(fields.uid, 8), 108);
    block.write(octal(fields.gid, 8), 116);
    block.write(octal(fields.size, 12), 124);
    // Whole seconds: Go rounds ModTime to the second for a ustar header.
    block.write(octal(Math.round(fields.mtime.getTime() / 1000), 12), 136);
    block.write(fields.type, 156);
    block.write(fields.linkname, 157, 100);
    block.write("ustar\0", 257);
    block.write("00", 263);
    block.write(octal(0, 8), 329);
    block.write(octal(0, 8), 337);
    block.write(fields.prefix, 345, 155);
    block.fill(" ", 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(octal(sum, 7), 148);
    block[155] = 0x20;
    return block;
}

function padded(data: Buffer): Buffer {
    const rest = data.length % BLOCK;
    return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/** A PAX record `"<len> key=value\n"`, whose length counts itself. */
function paxRecord(key: string, value: string): string {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length) length++;
    return `${length}${body}`;
}

function entryBlocks(entry: TarEntry): Buffer[] {
    const content = entry.type === "file" ? entry.content ?? Buffer.alloc(0) : Buffer.alloc(0);
    const linkname = entry.linkname ?? "";
    const split = splitUstar(entry.name);
    const pax: string[] = [];
    if (!split) pax.push(paxRecord("path", entry.name));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord("linkpath", linkname));
    if (entry.uid > MAX_OCTAL7) pax.push(paxRecord("uid", String(entry.uid)));
    if (entry.gid > MAX_OCTAL7) pax.push(paxRecord("gid", String(entry.gid)));
    if (content.length > MAX_SIZE) throw new Error(`tar: ${entry.name} is too large for this writer`);
    const blocks: Buffer[] = [];
    if (pax.length > 0) {
        // Only when ustar cannot hold a value, as Go's writer does.
        const data = Buffer.from(pax.join(""));
        blocks.push(header({ name: "PaxHeader", prefix: "", mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: entry.mtime, type: "x", linkname: "" }), padded(data));
    }
    const names = split ?? { prefix: "", name: entry.name.slice(0, 100) };
    blocks.push(header({
        ...names,
        mode: entry.mode,
        uid: Math.min(entry.uid, MAX_OCTAL7),
        gid: Math.min(entry.gid, MAX_OCTAL7),
        size: content.length,
        mtime: entry.mtime,
        type: TYPEFLAG[entry.type],
        linkname: linkname.slice(0, 100),
    }));
    if (content.length > 0) blocks.push(padded(content));
    return blocks;
}

/** A tar archive of `entries`, closed by two zero blocks (Go's writer adds no record padding). */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
    return Buffer.concat([...entries.flatMap(entryBlocks), Buffer.alloc(2 * BLOCK)]);
}

function text(block: Buffer, start: number, length: number): string {
    const field = block.subarray(start, start + length);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? length : end).toString("utf8");
}

function number(block: Buffer, start: number, length: number): number {
    const field = block.subarray(start, start + length);
    if (field[0]! & 0x80) {
        // Base-256 (GNU) for values octal cannot hold.
        let value = field[0]! & 0x7f;
        for (let i = 1; i < length; i++) value = value * 256 + field[i]!;
        return value;
    }
    const digits = text(block, start, length).trim();
    return digits === "" ? 0 : parseInt(digits, 8);
}

function paxRecords(data: Buffer): Record<string, string> {
    const records: Record<string, string> = {};
    let offset = 0;
    while (offset < data.length) {
        const space = data.indexOf(0x20, offset);
        const length = parseInt(data.subarray(offset, space).toString("ascii"), 10);
        if (!Number.isFinite(length) || length <= 0) break;
        const record = data.subarray(space + 1, offset + length - 1).toString("utf8");
        const eq = record.indexOf("=");
        records[record.slice(0, eq)] = record.slice(eq + 1);
        offset += length;
    }
    return records;
}

/** The entries of a tar archive (ustar, PAX and GNU long names), as the daemon's archive endpoint returns them. */
export function readTar(archive: Buffer): TarEntry[] {
    const entries: TarEntry[] = [];
    let offset = 0;
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    while (offset + BLOCK <= archive.length) {
        const block = archive.subarray(offset, offset + BLOCK);
        if (block.every((b) => b === 0)) break;
        const size = number(block, 124, 12);
        const typeflag = text(block, 156, 1) || "0";
        const data = archive.subarray(offset + BLOCK, offset + BLOCK + size);
        offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
        if (typeflag === "x") { pax = paxRecords(data); continue; }
        if (typeflag === "g") continue;
        if (typeflag === "L") { longName = text(data, 0, data.length); continue; }
        const prefix = text(block, 345, 155);
        const name = pax.path ?? longName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
        const type = typeflag === "5" ? "directory" : typeflag === "2" ? "symlink" : "file";
        entries.push({
            name,
            type,
            mode: number(block, 100, 8) & 0o7777,
            uid: pax.uid !== undefined ? Number(pax.uid) : number(block, 108, 8),
            gid: pax.gid !== undefined ? Number(pax.gid) : number(block, 116, 8),
            mtime: new Date(number(block, 136, 12) * 1000),
            content: type === "file" ? Buffer.from(data) : undefined,
            linkname: pax.linkpath ?? (text(block, 157, 100) || undefined),
        });
        pax = {};
        longName = undefined;
    }
    return entries;
}

export interface Demuxed {
    readonly stdout: Buffer;
    readonly stderr: Buffer;
    /** Both streams in the order the daemon sent them. */
    readonly combined: Buffer;
}

/**
 * Splits the Engine's multiplexed stream (8-byte frame headers: stream id, 3 zero bytes, big-endian length) into
 * stdout and stderr. A container with a TTY sends a raw stream instead: pass `tty` and it is all stdout.
 */
export function demultiplex(stream: Buffer, tty = false): Demuxed {
    if (tty) return { stdout: stream, stderr: Buffer.alloc(0), combined: stream };
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const all: Buffer[] = [];
    let offset = 0;
    while (offset + 8 <= stream.length) {
        const kind = stream[offset]!;
        const length = stream.readUInt32BE(offset + 4);
        const frame = stream.subarray(offset + 8, offset + 8 + length);
        (kind === 2 || kind === 3 ? err : out).push(frame);
        all.push(frame);
        offset += 8 + length;
    }
    return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), combined: Buffer.concat(all) };
}
