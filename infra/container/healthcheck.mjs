// Container health and readiness: healthy when the model named by EDGESERVE_HEALTH_MODEL has an
// AVAILABLE version (TF Serving's status API always answers 200, so the state must be read).
const port = process.env.EDGESERVE_PORT ?? '8501';
const model = process.env.EDGESERVE_HEALTH_MODEL;
if (!model) {
  console.error('EDGESERVE_HEALTH_MODEL is not set');
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}/v1/models/${encodeURIComponent(model)}`, { signal: AbortSignal.timeout(2000) });
  const body = await res.json();
  process.exit(body.model_version_status?.some((v) => v.state === 'AVAILABLE') ? 0 : 1);
} catch {
  process.exit(1);
}
