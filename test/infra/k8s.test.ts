// infra/k8s: every object valid against the Kubernetes API (schema and types, unknown fields
// rejected: k8s-validate.ts), the pod admitted by the restricted Pod Security Standard
// (pod-security.ts), and the deployment's own promises: probes that name no model and differ,
// the ConfigMap mounted and passed as --model_config_file, credentials by service account or an
// optional Secret, the resources in one block, a command line edgeserve accepts. Offline.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { ConfigMap, Container, Namespace, PodSpec, Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRepositoryConfig } from '../../functions/config/model-config.ts';
import { OPTIONS } from '../../functions/options/option-table.ts';
import { parseCommandLine } from '../../adapters/node/command-line.ts';
import { containerCommand } from '../../infra/container/entrypoint.mjs';
import { parseManifests, validateManifests, type ManifestObject } from './k8s-validate.ts';
import { restrictedViolations } from './pod-security.ts';

const K8S = resolve(import.meta.dirname, '../../infra/k8s');

let objects: ManifestObject[];
const find = <T>(kind: string): T[] => objects.filter((o) => o.kind === kind) as unknown as T[];
let deployment: Deployment;
let pod: PodSpec;
let container: Container;

beforeAll(async () => {
  objects = [];
  for (const name of (await readdir(K8S)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    objects.push(...parseManifests(await readFile(join(K8S, name), 'utf8'), name));
  }
  [deployment] = find<Deployment>('Deployment');
  pod = deployment!.spec!.template.spec!;
  [container] = pod.containers;
});

const clone = <T>(value: T): T => structuredClone(value);

describe('the manifests against the Kubernetes API', () => {
  it('are all valid: schema, types and no unknown field', async () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'Service', 'ServiceAccount']);
    expect(await validateManifests(objects)).toEqual([]);
  }, 60_000);

  it('the validator rejects unknown fields at any depth, wrong types, bad enum values and unknown kinds', async () => {
    // The compiler names the first unknown field of each object: one typo per object here.
    const deep = clone(deployment);
    (deep.spec!.template.spec!.containers[0]!.securityContext as Record<string, unknown>).allowPrivilegeEscalaton = false;
    const spec = clone(deployment);
    (spec.spec as unknown as Record<string, unknown>).replica = 2;
    const top = { ...clone(deployment), extra: true };
    const problems = await validateManifests([deep, spec, top] as unknown as ManifestObject[]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^Deployment edgeserve: .*'allowPrivilegeEscalaton' does not exist in type 'SecurityContext'/);
    expect(problems[1]).toMatch(/^Deployment edgeserve: .*'replica' does not exist in type 'DeploymentSpec'/);
    expect(problems[2]).toMatch(/^Deployment edgeserve: .*'extra' does not exist in type 'Deployment'/);

    const wrongType = clone(deployment);
    (wrongType.spec!.template.spec!.containers[0]!.ports![0] as unknown as Record<string, unknown>).containerPort = 'http';
    wrongType.spec!.template.spec!.securityContext!.seccompProfile!.type = 'Runtimedefault';
    const typed = await validateManifests([wrongType as unknown as ManifestObject]);
    expect(typed.join('\n')).toMatch(/containerPort must be integer/);
    expect(typed.join('\n')).toMatch(/seccompProfile\/type must be equal to one of the allowed values/);

    expect(await validateManifests([{ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }])).toEqual(['Deploymnet x: unknown apiVersion/kind apps/v1 Deploymnet']);
    expect(() => parseManifests('a: 1\na: 2\n')).toThrow(/Map keys must be unique/);
  }, 60_000);
});

describe('the restricted Pod Security Standard', () => {
  it('admits the pod, and its namespace enforces the profile', () => {
    expect(restrictedViolations(pod, deployment.spec!.template.metadata?.annotations)).toEqual([]);
    const [namespace] = find<Namespace>('Namespace');
    expect(namespace!.metadata!.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(namespace!.metadata!.name);
  });

  it('the check refuses what the profile refuses', () => {
    const violations = (change: (spec: PodSpec, c: Container) => void) => {
      const spec = clone(pod);
      change(spec, spec.containers[0]!);
      return restrictedViolations(spec);
    };
    expect(violations((_, c) => delete c.securityContext!.allowPrivilegeEscalation)).toEqual(['container edgeserve: allowPrivilegeEscalation must be false']);
    expect(violations((_, c) => (c.securityContext!.capabilities = { drop: ['NET_RAW'] }))).toEqual(['container edgeserve: capabilities.drop must include ALL']);
    expect(violations((_, c) => (c.securityContext!.capabilities!.add = ['SYS_ADMIN']))).toEqual(['container edgeserve: capabilities.add may only be NET_BIND_SERVICE, not SYS_ADMIN']);
    expect(violations((s, c) => (delete s.securityContext!.runAsNonRoot, delete c.securityContext!.runAsNonRoot))).toEqual(['container edgeserve: runAsNonRoot must be true (pod or container)']);
    expect(violations((s, c) => (delete s.securityContext!.seccompProfile, delete c.securityContext!.seccompProfile))).toEqual(['container edgeserve: seccompProfile.type must be set to RuntimeDefault or Localhost (pod or container)']);
    expect(violations((_, c) => (c.securityContext!.seccompProfile = { type: 'Unconfined' }))).toEqual(['container edgeserve: seccompProfile.type must be RuntimeDefault or Localhost, not Unconfined']);
    expect(violations((s) => s.volumes!.push({ name: 'host', hostPath: { path: '/' } }))).toEqual(['volume host: hostPath volumes are forbidden', 'volume host: hostPath is not a restricted volume type']);
    expect(violations((s) => (s.hostNetwork = true))).toHaveLength(1);
    expect(violations((_, c) => (c.securityContext!.privileged = true))).toEqual(['container edgeserve: privileged must be unset or false']);
    expect(violations((s) => (s.securityContext!.runAsUser = 0))).toEqual(['pod: runAsUser must not be 0']);
  });

  it('runs with a read-only root filesystem and a writable emptyDir at /tmp, where HOME points', () => {
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    const tmp = container.volumeMounts!.find((m) => m.mountPath === '/tmp')!;
    expect(pod.volumes!.find((v) => v.name === tmp.name)?.emptyDir).toBeDefined();
    expect(container.env!.find((e) => e.name === 'HOME')?.value).toBe('/tmp');
  });
});

describe('the deployment', () => {
  it('probes readiness on /edgeserve/ready and liveness (and start-up) on /edgeserve/live, through the container\'s port', () => {
    expect(container.readinessProbe?.httpGet?.path).toBe('/edgeserve/ready');
    expect(container.livenessProbe?.httpGet?.path).toBe('/edgeserve/live');
    expect(container.startupProbe?.httpGet?.path).toBe('/edgeserve/live');
    const ports = new Set(container.ports!.flatMap((p) => [p.name, p.containerPort]));
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) expect(ports.has(probe!.httpGet!.port)).toBe(true);
    expect(JSON.stringify(objects)).not.toContain('half_plus_two:predict');
    expect(JSON.stringify(deployment)).not.toContain('/v1/models/');
  });

  it('mounts the ConfigMap as the folder of --model_config_file, polled, and the config is one edgeserve reads', () => {
    const args = container.args!;
    const file = args.find((a) => a.startsWith('--model_config_file='))!.split('=')[1]!;
    expect(args.some((a) => /^--model_config_file_poll_wait_seconds=\d+$/.test(a))).toBe(true);
    const mount = container.volumeMounts!.find((m) => m.mountPath === dirname(file))!;
    expect(mount.subPath).toBeUndefined(); // a subPath mount never sees the ConfigMap's updates
    const volume = pod.volumes!.find((v) => v.name === mount.name)!;
    const configMap = find<ConfigMap>('ConfigMap').find((c) => c.metadata!.name === volume.configMap!.name)!;
    const text = configMap.data![file.slice(dirname(file).length + 1)]!;
    const config = parseRepositoryConfig(text, 'models.config');
    expect(config.models.map((m) => m.name)).toEqual(['half_plus_two', 'mnist']);
  });

  it('gets storage credentials from its service account (IRSA) or an optional Secret, never from the manifest', () => {
    const account = find<ServiceAccount>('ServiceAccount').find((a) => a.metadata!.name === pod.serviceAccountName)!;
    expect(account.metadata!.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'edgeserve-secrets', optional: true } }]);
    expect(find('Secret')).toEqual([]);
    const literal = new Set((container.env ?? []).filter((e) => e.value !== undefined).map((e) => e.name));
    for (const secret of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'EDGESERVE_AUTH_CONFIG']) expect(literal.has(secret), secret).toBe(false);
  });

  it('sizes CPU, memory and GPU in one resources block that the memory budget and threads follow', () => {
    expect(pod.containers).toHaveLength(1);
    expect(container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String), 'nvidia.com/gpu': expect.any(String) } });
    const fromResources = Object.fromEntries((container.env ?? []).filter((e) => e.valueFrom?.resourceFieldRef).map((e) => [e.name, e.valueFrom!.resourceFieldRef!]));
    expect(fromResources).toEqual({
      EDGESERVE_MEMORY_BUDGET_BYTES: { containerName: container.name, resource: 'requests.memory' },
      EDGESERVE_THREADS: { containerName: container.name, resource: 'requests.cpu' },
    });
  });

  it('is reached by the Service and scaled by the HPA', () => {
    const labels = deployment.spec!.template.metadata!.labels!;
    const [service] = find<Service>('Service');
    for (const [k, v] of Object.entries(service!.spec!.selector!)) expect(labels[k]).toBe(v);
    expect(container.ports!.some((p) => p.name === service!.spec!.ports![0]!.targetPort)).toBe(true);
    expect(deployment.spec!.selector.matchLabels).toEqual(Object.fromEntries(Object.entries(service!.spec!.selector!)));
    const [hpa] = find<HorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(hpa!.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata!.name });
  });

  it('starts a command line that edgeserve accepts, through the image\'s entrypoint', () => {
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '1']));
    const command = containerCommand(container.args ?? [], env);
    expect(command.env).toEqual({}); // a config file: none of TF Serving's single-model defaults
    expect(command.argv).toEqual(expect.arrayContaining(['--rest_api_port=8501', '--host=0.0.0.0']));
    // --model_config_file_poll_wait_seconds is TF Serving's (issue 12, part 1): checked once the option table has it.
    const known = new Set<string>(OPTIONS.flatMap((o) => ('flag' in o && o.flag ? [o.flag] : [])));
    const argv = command.argv.filter((a) => !a.startsWith('--model_config_file_poll_wait_seconds') || known.has('model_config_file_poll_wait_seconds'));
    const parsed = parseCommandLine(argv, env);
    expect(parsed).toMatchObject({ kind: 'serve' });
  });
});
