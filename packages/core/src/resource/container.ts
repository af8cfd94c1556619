import type { Attributes } from '@opentelemetry/api';
import { ATTR_CONTAINER_ID } from './semconv.js';
import type { DetectionInput } from './types.js';

export const CGROUP_FILE = '/proc/self/cgroup';
export const MOUNTINFO_FILE = '/proc/self/mountinfo';

const ID = /[0-9a-f]{64}/;

/**
 * The container ID from cgroup v1 (`/proc/self/cgroup`: the 64-hex-digit ID at the end of a
 * line, as in `/docker/<id>`, `docker-<id>.scope`, `cri-containerd-<id>.scope`, `crio-<id>`)
 * or, under cgroup v2 where that file says only `0::/`, from `/proc/self/mountinfo` (the
 * runtime mounts `/etc/hostname` and friends from `.../containers/<id>/`; a pod's
 * `/sandboxes/<id>/` is the pause container's, not ours, and is skipped).
 */
export function containerIdFromCgroup(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const last = line.slice(line.lastIndexOf('/') + 1).trim();
    const m = ID.exec(last);
    if (m) return m[0];
  }
  return undefined;
}

/** See {@link containerIdFromCgroup}. */
export function containerIdFromMountinfo(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /\/containers\/([0-9a-f]{64})\//.exec(line);
    if (m && !line.includes('/sandboxes/')) return m[1];
  }
  return undefined;
}

/** `container.id`, when the process runs in a container. */
export function detectContainer(input: DetectionInput): Attributes {
  const cgroup = input.readFile(CGROUP_FILE);
  const id = (cgroup && containerIdFromCgroup(cgroup)) || containerIdFromMountinfo(input.readFile(MOUNTINFO_FILE) ?? '');
  return id ? { [ATTR_CONTAINER_ID]: id } : {};
}
