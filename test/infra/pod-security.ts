// The `restricted` Pod Security Standard (Kubernetes' pod-security admission, version "latest"),
// the baseline checks included, as a function of a pod spec: what the API server of a namespace
// labelled pod-security.kubernetes.io/enforce=restricted would refuse, one line per violation.
import type { Container, PodSpec, SecurityContext } from 'kubernetes-types/core/v1.js';

const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

export function restrictedViolations(spec: PodSpec, annotations: Record<string, string> = {}): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  const containers: [string, Container][] = [
    ...(spec.initContainers ?? []).map((c): [string, Container] => [`initContainers ${c.name}`, c]),
    ...spec.containers.map((c): [string, Container] => [`container ${c.name}`, c]),
    ...(spec.ephemeralContainers ?? []).map((c): [string, Container] => [`ephemeralContainers ${c.name}`, c as Container]),
  ];
  const each = (check: (sc: SecurityContext, c: Container) => string | undefined) => {
    for (const [name, c] of containers) {
      const problem = check(c.securityContext ?? {}, c);
      if (problem) out.push(`${name}: ${problem}`);
    }
  };

  // Baseline.
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('host namespaces: hostNetwork, hostPID and hostIPC must be unset or false');
  if (pod.windowsOptions?.hostProcess) out.push('pod: windowsOptions.hostProcess must not be true');
  each((sc) => (sc.windowsOptions?.hostProcess ? 'windowsOptions.hostProcess must not be true' : undefined));
  each((sc) => (sc.privileged ? 'privileged must be unset or false' : undefined));
  for (const v of spec.volumes ?? []) {
    if ('hostPath' in v) out.push(`volume ${v.name}: hostPath volumes are forbidden`);
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) out.push(`volume ${v.name}: ${type} is not a restricted volume type`);
  }
  each((_, c) => ((c.ports ?? []).some((p) => p.hostPort) ? 'hostPort must be unset or 0' : undefined));
  const appArmorAnnotations = Object.entries(annotations).filter(([k]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/'));
  for (const [k, v] of appArmorAnnotations) if (v !== 'runtime/default' && !v.startsWith('localhost/')) out.push(`annotation ${k}: AppArmor must not be ${v}`);
  if (pod.appArmorProfile?.type === 'Unconfined') out.push('pod: appArmorProfile must not be Unconfined');
  each((sc) => (sc.appArmorProfile?.type === 'Unconfined' ? 'appArmorProfile must not be Unconfined' : undefined));
  const seLinux = (o: SecurityContext['seLinuxOptions']) => o && (!SELINUX_TYPES.has(o.type ?? '') || o.user || o.role);
  if (seLinux(pod.seLinuxOptions)) out.push('pod: seLinuxOptions may set only an allowed type');
  each((sc) => (seLinux(sc.seLinuxOptions) ? 'seLinuxOptions may set only an allowed type' : undefined));
  each((sc) => (sc.procMount && sc.procMount !== 'Default' ? 'procMount must be Default' : undefined));
  for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) out.push(`pod: sysctl ${s.name} is not in the safe set`);

  // Restricted.
  each((sc) => (sc.allowPrivilegeEscalation !== false ? 'allowPrivilegeEscalation must be false' : undefined));
  if (pod.runAsNonRoot === false) out.push('pod: runAsNonRoot must not be false');
  each((sc) => (sc.runAsNonRoot === false ? 'runAsNonRoot must not be false' : pod.runAsNonRoot !== true && sc.runAsNonRoot !== true ? 'runAsNonRoot must be true (pod or container)' : undefined));
  if (pod.runAsUser === 0) out.push('pod: runAsUser must not be 0');
  each((sc) => (sc.runAsUser === 0 ? 'runAsUser must not be 0' : undefined));
  const seccompOk = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
  if (pod.seccompProfile && !seccompOk(pod.seccompProfile.type)) out.push(`pod: seccompProfile.type must be RuntimeDefault or Localhost, not ${pod.seccompProfile.type}`);
  each((sc) => {
    if (sc.seccompProfile) return seccompOk(sc.seccompProfile.type) ? undefined : `seccompProfile.type must be RuntimeDefault or Localhost, not ${sc.seccompProfile.type}`;
    return seccompOk(pod.seccompProfile?.type) ? undefined : 'seccompProfile.type must be set to RuntimeDefault or Localhost (pod or container)';
  });
  each((sc) => (sc.capabilities?.drop?.includes('ALL') ? undefined : 'capabilities.drop must include ALL'));
  each((sc) => {
    const added = (sc.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
    return added.length > 0 ? `capabilities.add may only be NET_BIND_SERVICE, not ${added.join(', ')}` : undefined;
  });
  return out;
}
