// The parser ships no types; it returns metric families (name, type, metrics with labels/values).
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
