import { requireProtectedStatefulResources } from "../../../policy/policies/stack/protection";
import { changed, compliantContainer, CONTAINER, resource } from "../support/fixtures";
import { specifyStackPolicy } from "../support/policySpec";

const volume = (name: string, protect: boolean) => resource("docker:index/volume:Volume", name, { name: `service-stack-test-${name}` }, { protect });

const volumes = [volume("postgres-data", true), volume("redis-data", true)];
// A files volume: filled by a never-started carrier, mounted read-only by the running container.
const filesVolume = volume("postgres-files-etc-postgresql", false);
const filesMount = (readOnly: boolean) => ({ type: "volume", source: "service-stack-test-postgres-files-etc-postgresql", target: "/etc/postgresql", readOnly });
const carrier = resource(CONTAINER, "postgres-files", { name: "service-stack-test-postgres-files", start: false, mounts: [filesMount(false)] });
const consumer = changed(compliantContainer(), (i) => { delete i.uploads; i.mounts = [filesMount(true)]; });

specifyStackPolicy(requireProtectedStatefulResources, volumes, [
    { when: "an unprotected volume holds only files a never-started carrier delivers, mounted read-only", input: [...volumes, filesVolume, carrier, consumer] },
    { when: "a running container may write a carried volume", input: [...volumes, filesVolume, carrier, changed(consumer, (i) => { i.mounts = [filesMount(false)]; })], violations: [/Volume postgres-files-etc-postgresql holds state but is not protected/] },
    { when: "a running container writes a volume through `volumes`", input: [...volumes, filesVolume, carrier, changed(consumer, (i) => { i.volumes = [{ volumeName: "service-stack-test-postgres-files-etc-postgresql", containerPath: "/etc/postgresql" }]; })], violations: [/postgres-files-etc-postgresql holds state/] },
    { when: "no carrier fills an unprotected volume", input: [...volumes, filesVolume, consumer], violations: [/postgres-files-etc-postgresql holds state/] },
    { when: "a volume is not protected", input: [volumes[0]!, volume("redis-data", false)], violations: [/Volume redis-data holds state but is not protected/] },
    { when: "an unprotected volume lives in memory (the local driver's tmpfs)", input: [...volumes, resource("docker:index/volume:Volume", "backup-metrics", { name: "m", driver: "local", driverOpts: { type: "tmpfs", device: "tmpfs", o: "size=1m" } })] },
    { when: "an unprotected volume of another driver says `type: tmpfs` (that driver decides what it keeps)", input: [...volumes, resource("docker:index/volume:Volume", "nfs", { name: "n", driver: "some-plugin", driverOpts: { type: "tmpfs" } })], violations: [/Volume nfs holds state/] },
    { when: "an unprotected local volume on a disk device", input: [...volumes, resource("docker:index/volume:Volume", "disk", { name: "d", driver: "local", driverOpts: { type: "ext4", device: "/dev/sdb1" } })], violations: [/Volume disk holds state/] },
    { when: "an RDS instance is not protected", input: [...volumes, resource("aws:rds/instance:Instance", "db", { engine: "postgres" })], violations: [/Instance db/] },
    { when: "an unprotected network (stateless) is ignored", input: [...volumes, resource("docker:index/network:Network", "data", {})] },
    { when: "protection is not required in this environment", input: [volume("redis-data", false)], config: { requireProtection: false }, notApplicable: /`requireProtection` is false/ },
], { requireProtection: true });
