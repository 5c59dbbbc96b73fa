import { describe, expect, it } from 'vitest';
import { parseRepositoryConfig } from '../../functions/config/model-config.ts';
import { aspiredVersions } from '../../functions/serving/policy.ts';

const TF_CONFIG = `
# TF Serving's own example (g3doc/serving_config.md), with an ONNX platform
model_config_list {
  config {
    name: 'half_plus_two'
    base_path: '/models/half_plus_two'
    model_platform: 'onnx'
    model_version_policy { specific { versions: 42 versions: 43 } }
    version_labels { key: 'stable' value: 42 }
    version_labels { key: 'canary' value: 43 }
  }
  config {
    name: "resnet"
    base_path: "s3://bucket/resnet"
    model_platform: "onnx"
    model_version_policy: { latest: { num_versions: 2 } }
  }
  config {
    name: 'ranker'
    base_path: 'ranker'
    model_version_policy { all {} }
  }
}`;

describe('model config', () => {
  it('reads TF Serving text format: policies, labels, absolute and URL base paths', () => {
    const { models } = parseRepositoryConfig(TF_CONFIG, 'models.config');
    // An absolute base_path is the model's own place (TF Serving's meaning), a relative one a repository folder.
    expect(models.map((m) => [m.name, m.basePath, m.location, m.versionPolicy])).toEqual([
      ['half_plus_two', '', '/models/half_plus_two', { kind: 'specific', versions: [42, 43] }],
      ['resnet', '', 's3://bucket/resnet', { kind: 'latest', numVersions: 2 }],
      ['ranker', 'ranker', undefined, { kind: 'all' }],
    ]);
    expect([...models[0]!.versionLabels]).toEqual([['stable', 42], ['canary', 43]]);
  });

  it('reads the same config as JSON', () => {
    const json = JSON.stringify({
      models: [{ name: 'half_plus_two', model_version_policy: { specific: { versions: [42, 43] } }, version_labels: { stable: 42, canary: 43 } }],
    });
    const [m] = parseRepositoryConfig(json, 'models.config.json').models;
    expect(m).toMatchObject({ name: 'half_plus_two', basePath: 'half_plus_two', versionPolicy: { kind: 'specific', versions: [42, 43] } });
    expect(m!.versionLabels.get('canary')).toBe(43);
  });

  it('points at the offending field in both formats', () => {
    const cases: [string, string, string][] = [
      ['{"models": [{"name": ""}]}', 'models.config.json', 'models.config.json: models[0].name: must be a non-empty string'],
      ['{"models": [{"name": "a", "version_labels": {"stable": "x"}}]}', 'c.json', 'c.json: models[0].version_labels.stable: must be a non-negative integer version'],
      ['{"models": [{"name": "a"}, {"name": "a"}]}', 'c.json', 'c.json: models[1].name: duplicate model name "a"'],
      ['{"models": [{"name": "a", "model_version_policy": {"newest": {}}}]}', 'c.json', 'c.json: models[0].model_version_policy: unknown policy "newest"; expected "latest", "all" or "specific"'],
      ['{"models": [', 'c.json', 'c.json: (document): not valid JSON'],
      ['model_config_list { config { name: "a" model_version_policy { latest { num_versions: -1 } } } }', 'models.config',
        'models.config: model_config_list.config[0].model_version_policy.latest.num_versions: must be a non-negative integer'],
      ['model_config_list { config { name: "a" base_pat: "x" } }', 'models.config', 'models.config: (text format): model_config_list.config[0].base_pat: unknown field'],
      ['model_config_list {\n config {\n name: "a"\n', 'models.config', "models.config: (text format): line 3: missing '}'"],
      ['custom_model_config { }', 'models.config', 'models.config: (text format): custom_model_config is not supported'],
    ];
    for (const [text, source, message] of cases) expect(() => parseRepositoryConfig(text, source), text).toThrow(message);
  });

  it('version policies choose as TF Serving does', () => {
    expect(aspiredVersions({ kind: 'latest', numVersions: 1 }, [1, 3, 2])).toEqual([3]);
    expect(aspiredVersions({ kind: 'latest', numVersions: 2 }, [1, 3, 2])).toEqual([3, 2]);
    expect(aspiredVersions({ kind: 'all' }, [1, 3, 2])).toEqual([3, 2, 1]);
    expect(aspiredVersions({ kind: 'specific', versions: [1, 7] }, [1, 3, 2])).toEqual([1]);
    expect(aspiredVersions({ kind: 'specific', versions: [] }, [1, 3])).toEqual([]);
  });

  it('refuses unknown fields in every part of a JSON config, naming the path', () => {
    const bad = (model: object) => () => parseRepositoryConfig(JSON.stringify({ models: [{ name: 'm', ...model }] }), 'models.config.json');
    expect(bad({ version_lables: { a: 1 } })).toThrow('models.config.json: models[0].version_lables: unknown field');
    expect(bad({ model_version_polcy: {} })).toThrow('models[0].model_version_polcy: unknown field');
    expect(bad({ model_version_policy: { latest: { num_version: 2 } } })).toThrow('models[0].model_version_policy.latest.num_version: unknown field');
    expect(bad({ batching_parameters: { bogus_field: 1 } })).toThrow('models[0].batching_parameters.bogus_field: unknown field');
    expect(bad({ remote: { url: 'http://x', timeout: 5 } })).toThrow('models[0].remote.timeout: unknown field');
    expect(bad({ routing: { arms: [{ name: 'a', version: 1, wieght: 1 }] } })).toThrow('models[0].routing.arms[0].wieght: unknown field');
    expect(() => parseRepositoryConfig('{"modles": []}', 'models.config.json')).toThrow('models.config.json: modles: unknown field');
  });

  it('refuses a platform other than onnx, in both formats', () => {
    expect(() => parseRepositoryConfig('{"models": [{"name": "m", "model_platform": "tensorflow"}]}', 'c.json')).toThrow(
      'c.json: models[0].model_platform: platform "tensorflow" is not supported: edgeserve serves ONNX models',
    );
    expect(() => parseRepositoryConfig("model_config_list { config { name: 'm' model_platform: 'tensorflow' } }", 'models.config')).toThrow(
      'models.config: model_config_list.config[0].model_platform: platform "tensorflow" is not supported',
    );
    expect(parseRepositoryConfig("model_config_list { config { name: 'm' model_platform: '' } }", 'models.config').models).toHaveLength(1);
  });
});
