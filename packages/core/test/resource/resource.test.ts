import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectResource } from '../../src/resource/detect.js';
import { containerIdFromCgroup, containerIdFromMountinfo, CGROUP_FILE, MOUNTINFO_FILE } from '../../src/resource/container.js';
import { SERVICE_ACCOUNT_NAMESPACE_FILE } from '../../src/resource/kubernetes.js';
import { parseOtelResourceAttributes } from '../../src/resource/otel-env.js';
import { readSmallFile } from '../../src/resource/read-file.js';
import { serviceInstanceId } from '../../src/resource/service.js';
import { resolveConfig } from '../../src/config/config.js';
import { setupTestTracing } from '../../src/testing/index.js';
import { shutdown, TracekitConfigError } from '../../src/adapter-api.js';
import { VERSION } from '../../src/version.js';

const ID = 'a'.repeat(12) + '0123456789abcdef'.repeat(3) + 'b'.repeat(4);
const files = (map: Record<string, string>) => (p: string) => map[p];
const base = {
  serviceName: 'svc',
  serviceNameExplicit: true,
  environment: undefined,
  cwd: '/app',
  hostname: () => 'box-1',
  arch: 'x64',
  platform: 'linux',
  pid: 4242,
  nodeVersion: '22.23.5',
  title: 'node',
  execPath: '/usr/local/bin/node',
};

describe('resource detection with fake files and environment', () => {
  it('describes service, deployment, host and process', () => {
    const r = detectResource({ ...base, env: { NODE_ENV: 'production' }, readFile: files({ '/app/package.json': '{"name":"shop","version":"3.1.4"}' }) });
    expect(r).toEqual({
      'service.name': 'svc',
      'service.version': '3.1.4',
      'service.instance.id': serviceInstanceId(),
      'deployment.environment.name': 'production',
      'host.name': 'box-1',
      'host.arch': 'amd64',
      'os.type': 'linux',
      'process.pid': 4242,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': '22.23.5',
      'process.runtime.description': 'Node.js',
      'process.executable.name': 'node',
      'process.executable.path': '/usr/local/bin/node',
      'telemetry.sdk.name': 'tracekit',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': VERSION,
    });
    expect(serviceInstanceId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('the environment option wins over NODE_ENV; no environment, no attribute', () => {
    expect(detectResource({ ...base, environment: 'staging', env: { NODE_ENV: 'production' }, readFile: files({}) })['deployment.environment.name']).toBe('staging');
    expect(detectResource({ ...base, env: {}, readFile: files({}) })).not.toHaveProperty('deployment.environment.name');
  });

  it('maps arch and platform to semantic-convention values', () => {
    const r = detectResource({ ...base, arch: 'arm64', platform: 'win32', env: {}, readFile: files({}) });
    expect(r['host.arch']).toBe('arm64');
    expect(r['os.type']).toBe('windows');
    expect(detectResource({ ...base, arch: 'ia32', platform: 'darwin', env: {}, readFile: files({}) })).toMatchObject({ 'host.arch': 'x86', 'os.type': 'darwin' });
  });

  it('a package.json without a version or not JSON gives no service.version', () => {
    expect(detectResource({ ...base, env: {}, readFile: files({ '/app/package.json': '{"name":"x"}' }) })).not.toHaveProperty('service.version');
    expect(detectResource({ ...base, env: {}, readFile: files({ '/app/package.json': '{oops' }) })).not.toHaveProperty('service.version');
  });

  it('container.id from cgroup v1 (docker, systemd scopes, cri-containerd, crio)', () => {
    expect(containerIdFromCgroup(`12:memory:/docker/${ID}\n11:cpu:/docker/${ID}\n`)).toBe(ID);
    expect(containerIdFromCgroup(`1:name=systemd:/system.slice/docker-${ID}.scope\n`)).toBe(ID);
    expect(containerIdFromCgroup(`0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${ID}.scope\n`)).toBe(ID);
    expect(containerIdFromCgroup(`0::/kubepods/besteffort/pod1/crio-${ID}\n`)).toBe(ID);
    expect(containerIdFromCgroup('0::/\n')).toBeUndefined();
    expect(containerIdFromCgroup('12:memory:/user.slice\n')).toBeUndefined();
    const r = detectResource({ ...base, env: {}, readFile: files({ [CGROUP_FILE]: `12:memory:/docker/${ID}\n` }) });
    expect(r['container.id']).toBe(ID);
  });

  it('container.id from mountinfo under cgroup v2, skipping the pod sandbox', () => {
    const sandbox = 'f'.repeat(64);
    const mountinfo = [
      `1070 1069 0:62 / / rw,relatime master:1 - overlay overlay rw`,
      `1085 1070 8:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${sandbox}/hostname /etc/hostname rw - ext4 /dev/sda1 rw`,
      `1086 1070 8:1 /var/lib/docker/containers/${ID}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw`,
    ].join('\n');
    expect(containerIdFromMountinfo(mountinfo)).toBe(ID);
    const r = detectResource({ ...base, env: {}, readFile: files({ [CGROUP_FILE]: '0::/\n', [MOUNTINFO_FILE]: mountinfo }) });
    expect(r['container.id']).toBe(ID);
    expect(detectResource({ ...base, env: {}, readFile: files({ [CGROUP_FILE]: '0::/\n', [MOUNTINFO_FILE]: '1 2 3:4 / / rw - ext4 /dev/sda1 rw\n' }) })).not.toHaveProperty('container.id');
  });

  it('Kubernetes from downward-API variables', () => {
    const r = detectResource({ ...base, env: { K8S_POD_NAME: 'web-7d9f-abcde', K8S_NAMESPACE: 'shop', K8S_NODE_NAME: 'node-3' }, readFile: files({}) });
    expect(r).toMatchObject({ 'k8s.pod.name': 'web-7d9f-abcde', 'k8s.namespace.name': 'shop', 'k8s.node.name': 'node-3' });
    const alt = detectResource({ ...base, env: { POD_NAME: 'p', POD_NAMESPACE: 'ns', NODE_NAME: 'n' }, readFile: files({}) });
    expect(alt).toMatchObject({ 'k8s.pod.name': 'p', 'k8s.namespace.name': 'ns', 'k8s.node.name': 'n' });
  });

  it('Kubernetes from the service-account namespace file and the pod hostname', () => {
    const r = detectResource({
      ...base,
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', HOSTNAME: 'api-5c6d-xyz' },
      readFile: files({ [SERVICE_ACCOUNT_NAMESPACE_FILE]: 'payments\n' }),
    });
    expect(r).toMatchObject({ 'k8s.pod.name': 'api-5c6d-xyz', 'k8s.namespace.name': 'payments' });
    expect(r).not.toHaveProperty('k8s.node.name');
  });

  it('outside Kubernetes: no k8s attributes, and a lone NODE_NAME or HOSTNAME is not taken for one', () => {
    const r = detectResource({ ...base, env: { NODE_NAME: 'my-laptop', HOSTNAME: 'my-laptop' }, readFile: files({}) });
    expect(Object.keys(r).filter((k) => k.startsWith('k8s.'))).toEqual([]);
  });

  it('OTEL_RESOURCE_ATTRIBUTES: percent-decoded, invalid entries ignored, wins over detection', () => {
    expect(parseOtelResourceAttributes('a=1,b=hello%20world, c = x%2Cy ,bad,=novalue,d=%E0%A4%A,e=')).toEqual({ a: '1', b: 'hello world', c: 'x,y', e: '' });
    const r = detectResource({ ...base, env: { OTEL_RESOURCE_ATTRIBUTES: 'host.name=override,team=core%2Fapi' }, readFile: files({}) });
    expect(r).toMatchObject({ 'host.name': 'override', team: 'core/api' });
  });

  it("service.name: an explicit name wins over OTEL_RESOURCE_ATTRIBUTES; the package-name default does not", () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-env' };
    expect(detectResource({ ...base, env, readFile: files({}) })['service.name']).toBe('svc');
    expect(detectResource({ ...base, serviceNameExplicit: false, env, readFile: files({}) })['service.name']).toBe('from-env');
  });

  it('the resourceAttributes option wins over everything but telemetry.sdk.*', () => {
    const r = detectResource({ ...base, env: { OTEL_RESOURCE_ATTRIBUTES: 'team=a' }, readFile: files({}), attributes: { team: 'b', 'host.name': 'mine', 'telemetry.sdk.name': 'x' } });
    expect(r).toMatchObject({ team: 'b', 'host.name': 'mine', 'telemetry.sdk.name': 'tracekit' });
  });

  it('never throws: a failing detector is skipped, the others still count', () => {
    const r = detectResource({
      ...base,
      hostname: () => {
        throw new Error('no hostname');
      },
      env: { K8S_POD_NAME: 'p' },
      readFile: () => {
        throw new Error('io');
      },
    });
    expect(r).not.toHaveProperty('host.name');
    expect(r['k8s.pod.name']).toBeUndefined(); // the kubernetes detector read a file and failed
    expect(r['process.pid']).toBe(4242);
    expect(r['service.name']).toBe('svc');
  });
});

describe('readSmallFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-res-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a small file, caps a big one at 64 KiB, and returns undefined for a missing one', () => {
    fs.writeFileSync(path.join(dir, 'ns'), 'default');
    fs.writeFileSync(path.join(dir, 'big'), 'x'.repeat(200_000));
    expect(readSmallFile(path.join(dir, 'ns'))).toBe('default');
    expect(readSmallFile(path.join(dir, 'big'))).toHaveLength(64 * 1024);
    expect(readSmallFile(path.join(dir, 'missing'))).toBeUndefined();
    expect(readSmallFile(dir)).toBeUndefined();
  });
});

describe('the client resource', () => {
  afterAll(() => shutdown());

  it('every exported span carries the detected resource, with the environment option', async () => {
    const t = await setupTestTracing({ environment: 'test-env', resourceAttributes: { team: 'x' } });
    expect(t.client.meta.resource).toMatchObject({
      'service.name': 'test-service',
      'service.instance.id': serviceInstanceId(),
      'deployment.environment.name': 'test-env',
      'host.name': os.hostname(),
      'process.pid': process.pid,
      'process.runtime.version': process.versions.node,
      team: 'x',
    });
  });

  it('environment must be a non-empty string, named in the error', () => {
    expect(() => resolveConfig({ environment: 5 as unknown as string }, {})).toThrow(TracekitConfigError);
    expect(() => resolveConfig({}, { TRACEKIT_ENVIRONMENT: 'prod' })).not.toThrow();
    expect(resolveConfig({}, { TRACEKIT_ENVIRONMENT: 'prod' }).resource.environment).toBe('prod');
    expect(() => resolveConfig({ environment: 5 as unknown as string }, {})).toThrow(/options\.environment/);
  });
});
