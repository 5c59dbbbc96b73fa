// Every flag of TF Serving's `tensorflow_model_server` (model_servers/main.cc), and what edgeserve
// does with it, so that an operator's TF Serving command line starts edgeserve unchanged:
// - honoured: the option table has the flag, with TF Serving's meaning;
// - differs: the option table has the flag, and the README says how its meaning differs;
// - ignored: accepted (its value checked by its type) with one warning line saying why it cannot
//   apply. These are the only flags outside the option table that the command line takes.
// The README's "Coming from TF Serving" table is generated from this list (scripts/options-table.ts).
import type { ValueType } from './option-spec.ts';

export type TfServingFlag =
  | { readonly flag: string; readonly status: 'honoured' | 'differs'; readonly note: string }
  | { readonly flag: string; readonly status: 'ignored'; readonly type: Exclude<ValueType, 'list' | 'enum'>; readonly note: string };

const GRPC = 'edgeserve serves the REST API only; there is no gRPC server (yet) for this to configure';
const TF_RUNTIME = 'a TensorFlow runtime setting: ONNX models run on onnxruntime, which has no such thing';
const TFLITE = 'TensorFlow Lite models are not served: edgeserve loads model.onnx';
const TPU = 'there is no TPU support: onnxruntime runs on CPU, WebGPU or CUDA (--execution_providers)';

export const TF_SERVING_FLAGS: readonly TfServingFlag[] = [
  // Model server
  { flag: 'model_name', status: 'honoured', note: "single-model mode with --model_base_path; ignored (with a warning) when --model_config_file is given, as in TF Serving. TF Serving's default name `default` applies to its --model_base_path-only form, which edgeserve reads as a repository (below)" },
  { flag: 'model_base_path', status: 'differs', note: 'with --model_name: that model\'s folder, as in TF Serving. Alone: a repository of model folders (edgeserve\'s mode); a folder that holds version folders itself is logged as repository_is_a_model_folder with the fix' },
  { flag: 'model_config_file', status: 'honoured', note: 'JSON or text format; exactly its models are served; relative base_paths are read under --model_base_path, absolute ones and URLs where they point' },
  { flag: 'model_config_file_poll_wait_seconds', status: 'honoured', note: 'the file is read again on this interval; a change is applied at once (config_reloaded), a bad file is logged (config_rejected) and the last good config kept' },
  { flag: 'file_system_poll_wait_seconds', status: 'differs', note: 'default 30 s instead of 1 s: listing S3 or R2 every second costs requests; requests also refresh a listing that is older' },
  { flag: 'allow_version_labels_for_unavailable_models', status: 'honoured', note: '' },
  { flag: 'max_num_load_retries', status: 'honoured', note: '' },
  { flag: 'load_retry_interval_micros', status: 'differs', note: 'TF Serving waits the same interval before every retry; edgeserve doubles it after each (default 5 s, not 1 min); a negative value is refused' },
  { flag: 'num_load_threads', status: 'ignored', type: 'integer', note: 'loads run concurrently without a thread pool to size (the memory budget decides how many fit)' },
  { flag: 'num_unload_threads', status: 'ignored', type: 'integer', note: 'unloads run concurrently without a thread pool to size' },
  { flag: 'flush_filesystem_caches', status: 'ignored', type: 'boolean', note: 'edgeserve keeps no filesystem cache to flush: model bytes are read once per load' },
  { flag: 'enable_model_warmup', status: 'honoured', note: 'replays assets.extra/warmup.json (TF Serving\'s PredictionLog as JSON lines of predict requests)' },
  { flag: 'num_request_iterations_for_warmup', status: 'honoured', note: 'as in TF Serving, 0 means the default (1)' },
  { flag: 'enable_batching', status: 'honoured', note: '' },
  { flag: 'batching_parameters_file', status: 'honoured', note: 'a field edgeserve does not implement is an error naming it, not ignored' },
  { flag: 'enable_per_model_batching_parameters', status: 'ignored', type: 'boolean', note: 'per-model batching comes from the model config\'s batching_parameters, not from a batching_params.pbtxt in the SavedModel folder' },
  { flag: 'monitoring_config_file', status: 'honoured', note: 'prometheus_config { enable, path }; any other field is an error naming it' },
  { flag: 'platform_config_file', status: 'ignored', type: 'string', note: 'edgeserve has one platform, ONNX on onnxruntime (--backend, --execution_providers)' },
  { flag: 'version', status: 'honoured', note: 'prints edgeserve\'s version' },
  // HTTP/REST
  { flag: 'rest_api_port', status: 'differs', note: 'default 8501 instead of 0, and 0 picks a free port (TF Serving: 0 turns REST off, and REST is all edgeserve serves)' },
  { flag: 'rest_api_num_threads', status: 'ignored', type: 'integer', note: 'Node serves HTTP on one event loop; the model runs on onnxruntime\'s threads (--tensorflow_intra_op_parallelism)' },
  { flag: 'rest_api_timeout_in_ms', status: 'honoured', note: 'a native run cannot be pre-empted: the 504 is answered when the run returns' },
  { flag: 'rest_api_enable_cors_support', status: 'honoured', note: '' },
  // gRPC
  { flag: 'port', status: 'ignored', type: 'integer', note: GRPC },
  { flag: 'grpc_socket_path', status: 'ignored', type: 'string', note: GRPC },
  { flag: 'grpc_channel_arguments', status: 'ignored', type: 'string', note: GRPC },
  { flag: 'grpc_max_threads', status: 'ignored', type: 'integer', note: GRPC },
  { flag: 'enable_grpc_healthcheck_service', status: 'ignored', type: 'boolean', note: `${GRPC}; HTTP probes are /edgeserve/ready and /edgeserve/live` },
  { flag: 'use_alts_credentials', status: 'ignored', type: 'boolean', note: GRPC },
  { flag: 'ssl_config_file', status: 'ignored', type: 'string', note: `${GRPC}; terminate TLS in front of the REST port (a load balancer, an ingress)` },
  { flag: 'enable_serialization_as_tensor_content', status: 'ignored', type: 'boolean', note: 'it shapes gRPC predict responses; REST answers are JSON either way' },
  { flag: 'enable_profiler', status: 'ignored', type: 'boolean', note: 'TensorFlow\'s profiler service is a gRPC service of the TensorFlow runtime' },
  // TensorFlow session and runtime
  { flag: 'tensorflow_intra_op_parallelism', status: 'honoured', note: "onnxruntime's intraOpNumThreads" },
  { flag: 'tensorflow_inter_op_parallelism', status: 'honoured', note: "onnxruntime's interOpNumThreads (above 1, the parallel execution mode)" },
  { flag: 'tensorflow_session_parallelism', status: 'honoured', note: 'both thread counts when neither flag above is given; all three at once is refused, as in TF Serving' },
  { flag: 'tensorflow_session_config_file', status: 'ignored', type: 'string', note: TF_RUNTIME },
  { flag: 'per_process_gpu_memory_fraction', status: 'ignored', type: 'rate', note: 'onnxruntime\'s CUDA provider takes an absolute limit, not a fraction: the memory budget (--memory_budget_bytes) bounds what is loaded' },
  { flag: 'saved_model_tags', status: 'ignored', type: 'string', note: 'an ONNX model has one graph, no MetaGraphDef tags to choose from' },
  { flag: 'remove_unused_fields_from_bundle_metagraph', status: 'ignored', type: 'boolean', note: 'there is no MetaGraphDef: an ONNX model\'s metadata is built from its graph' },
  { flag: 'enable_signature_method_name_check', status: 'ignored', type: 'boolean', note: 'an ONNX model\'s one signature (serving_default) has no method_name to check' },
  { flag: 'thread_pool_factory_config_file', status: 'ignored', type: 'string', note: TF_RUNTIME },
  { flag: 'mixed_precision', status: 'ignored', type: 'string', note: 'an ONNX model carries its own precision (float16 models are served as they are)' },
  { flag: 'xla_cpu_compilation_enabled', status: 'ignored', type: 'boolean', note: `${TF_RUNTIME} (XLA)` },
  { flag: 'xla_gpu_compilation_enabled', status: 'ignored', type: 'boolean', note: `${TF_RUNTIME} (XLA)` },
  { flag: 'prefer_tflite_model', status: 'ignored', type: 'boolean', note: TFLITE },
  { flag: 'use_tflite_model', status: 'ignored', type: 'boolean', note: TFLITE },
  { flag: 'num_tflite_pools', status: 'ignored', type: 'integer', note: TFLITE },
  { flag: 'num_tflite_interpreters_per_pool', status: 'ignored', type: 'integer', note: TFLITE },
  { flag: 'skip_initialize_tpu', status: 'ignored', type: 'boolean', note: TPU },
];

/** The flags accepted only to be warned about, by name. */
export const IGNORED_TF_FLAGS: ReadonlyMap<string, Extract<TfServingFlag, { status: 'ignored' }>> = new Map(
  TF_SERVING_FLAGS.flatMap((f) => (f.status === 'ignored' ? [[f.flag, f] as const] : [])),
);
