import type { Attributes } from '@opentelemetry/api';
import { ATTR_K8S_NAMESPACE_NAME, ATTR_K8S_NODE_NAME, ATTR_K8S_POD_NAME } from './semconv.js';
import type { DetectionInput } from './types.js';

export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Downward-API variable names people use, most specific first. */
const POD_NAME_VARS = ['K8S_POD_NAME', 'KUBERNETES_POD_NAME', 'POD_NAME'];
const NAMESPACE_VARS = ['K8S_NAMESPACE', 'K8S_NAMESPACE_NAME', 'KUBERNETES_NAMESPACE', 'POD_NAMESPACE'];
const NODE_NAME_VARS = ['K8S_NODE_NAME', 'KUBERNETES_NODE_NAME', 'NODE_NAME'];

function first(env: DetectionInput['env'], names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = env[name]?.trim();
    if (v) return v;
  }
  return undefined;
}

/**
 * `k8s.pod.name`, `k8s.namespace.name` and `k8s.node.name` in Kubernetes: from downward-API
 * environment variables (`K8S_POD_NAME` / `POD_NAME`, `K8S_NAMESPACE` / `POD_NAMESPACE`,
 * `K8S_NODE_NAME` / `NODE_NAME`), the namespace also from the service-account file. When the
 * process is in a pod (`KUBERNETES_SERVICE_HOST` is set) without a pod-name variable, the pod
 * name is the hostname Kubernetes gives the container (`HOSTNAME`).
 */
export function detectKubernetes(input: DetectionInput): Attributes {
  const { env } = input;
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST);
  const attrs: Attributes = {};
  const pod = first(env, POD_NAME_VARS) ?? (inCluster ? env.HOSTNAME?.trim() || undefined : undefined);
  if (pod) attrs[ATTR_K8S_POD_NAME] = pod;
  const namespace = first(env, NAMESPACE_VARS) ?? input.readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim();
  if (namespace) attrs[ATTR_K8S_NAMESPACE_NAME] = namespace;
  const node = first(env, NODE_NAME_VARS);
  // NODE_NAME alone is too generic to mean Kubernetes; take it only with other evidence.
  if (node && (inCluster || pod || namespace || env.K8S_NODE_NAME || env.KUBERNETES_NODE_NAME)) attrs[ATTR_K8S_NODE_NAME] = node;
  return attrs;
}
