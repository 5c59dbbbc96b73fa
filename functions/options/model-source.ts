// Which models the options ask for, by TF Serving's rules where it has them:
// - a config given up front (--model_config_file, EDGESERVE_MODEL_CONFIG): exactly its models;
//   --model_name is then ignored, as TF Serving ignores it;
// - TF Serving's single-model mode: --model_name with --model_base_path (that model's folder), or
//   the image's MODEL_NAME and MODEL_BASE_PATH (${MODEL_BASE_PATH}/${MODEL_NAME}) when nothing
//   else names the models;
// - otherwise edgeserve's repository mode: every model folder under --model_base_path.
// Pure: the values in, the decision and what to tell the operator out.
import type { OptionValues } from './option-table.ts';
import { OptionError } from './parse-value.ts';

export type ModelSource =
  | { readonly kind: 'config' }
  | { readonly kind: 'single'; readonly name: string; readonly basePath: string; readonly from: 'flags' | 'environment' }
  | { readonly kind: 'repository' };

/** Something the operator should read at start-up: logged as a warning. */
export interface Notice {
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** `${base}/${name}` for a folder or a URL, without doubling a trailing slash (MODEL_BASE_PATH=s3://b/p/). */
export function childPath(base: string, name: string): string {
  return `${base.replace(/\/+$/, '')}/${name}`;
}

/**
 * Throws OptionError (a usage error) for --model_name without a folder to serve. `modelBasePath`
 * is read as given: the readers leave it unset when only its default applies.
 */
export function modelSource(values: OptionValues): { source: ModelSource; notices: Notice[] } {
  const notices: Notice[] = [];
  const configGiven = Boolean(values.modelConfigFile || values.modelConfig);
  const { modelName, modelBasePath, imageModelName, imageModelBasePath } = values;
  if (configGiven) {
    if (modelName !== undefined) {
      notices.push({ event: 'flag_ignored', fields: { flag: '--model_name', reason: 'a model config is given: its models are served (TF Serving ignores --model_name then too)' } });
    }
    return { source: { kind: 'config' }, notices };
  }
  if (modelName !== undefined) {
    const basePath = modelBasePath ?? (imageModelBasePath === undefined ? undefined : childPath(imageModelBasePath, modelName));
    if (basePath === undefined) throw new OptionError('--model_name needs --model_base_path (the model\'s folder), or MODEL_BASE_PATH (the folder holding it)');
    return { source: { kind: 'single', name: modelName, basePath, from: 'flags' }, notices };
  }
  const image = [imageModelName === undefined ? undefined : 'MODEL_NAME', imageModelBasePath === undefined ? undefined : 'MODEL_BASE_PATH'].filter(Boolean);
  if (modelBasePath === undefined && imageModelName !== undefined && imageModelBasePath !== undefined) {
    return { source: { kind: 'single', name: imageModelName, basePath: childPath(imageModelBasePath, imageModelName), from: 'environment' }, notices };
  }
  if (image.length > 0) {
    const reason = modelBasePath !== undefined
      ? '--model_base_path (or EDGESERVE_MODEL_BASE_PATH) names the repository'
      : `${image.join(' and ')} alone: TF Serving's single-model mode needs both MODEL_NAME and MODEL_BASE_PATH`;
    notices.push({ event: 'variable_ignored', fields: { variables: image, reason } });
  }
  return { source: { kind: 'repository' }, notices };
}
