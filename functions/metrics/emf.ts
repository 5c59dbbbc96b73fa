// CloudWatch Embedded Metric Format: on Lambda each request's record is printed as one EMF log
// line, so CloudWatch extracts request count, latency, runtime and cold starts per model without
// a metrics agent, and the line stays a searchable request log.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import type { RequestRecord, RequestSink } from './request-record.ts';

export const EMF_NAMESPACE = 'edgeserve';

export function emfLine(record: RequestRecord, namespace = EMF_NAMESPACE): string {
  const metrics: { Name: string; Unit: string }[] = [
    { Name: 'request_count', Unit: 'Count' },
    { Name: 'request_latency', Unit: 'Milliseconds' },
    { Name: 'cold_start', Unit: 'Count' },
  ];
  const values: Record<string, number> = {
    request_count: 1,
    request_latency: record.duration_ms,
    cold_start: record.cold_start ? 1 : 0,
  };
  if (record.run_ms !== undefined) {
    metrics.push({ Name: 'runtime_latency', Unit: 'Milliseconds' });
    values.runtime_latency = record.run_ms;
  }
  return JSON.stringify({
    _aws: {
      Timestamp: Date.parse(record.time),
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [['model_name', 'status'], ['model_name']], Metrics: metrics }],
    },
    model_name: record.model,
    ...record,
    ...values,
  });
}

export function emfSink(write: (line: string) => void): RequestSink {
  return (record) => write(emfLine(record));
}
