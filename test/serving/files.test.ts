import { describe, expect, it } from 'vitest';
import { parseManifest, verifyFile } from '../../functions/serving/integrity.ts';
import { RepositoryListing } from '../../functions/serving/listing.ts';
import { MAX_WARMUP_RECORDS, parseWarmupRecords } from '../../functions/serving/warmup.ts';

const bytes = new TextEncoder().encode('hello');
const HELLO_SHA256 = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('manifest.json', () => {
  it('accepts matching files and names what does not match', async () => {
    const manifest = parseManifest(new TextEncoder().encode(JSON.stringify({ files: { 'model.onnx': { sha256: HELLO_SHA256, size: 5 } } })), 'm/1/manifest.json');
    await expect(verifyFile(manifest, 'model.onnx', bytes, 'm/1/model.onnx')).resolves.toBeUndefined();
    await expect(verifyFile(manifest, 'model.onnx', new TextEncoder().encode('hellO'), 'm/1/model.onnx')).rejects.toThrow(
      new RegExp(`^m/1/model\\.onnx has sha256 [0-9a-f]{64}, manifest\\.json says ${HELLO_SHA256}$`),
    );
    await expect(verifyFile(manifest, 'model.onnx', bytes.subarray(0, 4), 'm/1/model.onnx')).rejects.toThrow('m/1/model.onnx has 4 bytes, manifest.json says 5');
    await expect(verifyFile(manifest, 'other.txt', bytes, 'k')).resolves.toBeUndefined(); // not listed: not checked
  });

  it('rejects a manifest it cannot read, as DATA_LOSS', () => {
    for (const [text, why] of [
      ['{', 'is not a valid manifest: '],
      ['{"files": []}', '"files" must be an object'],
      ['{"files": {"model.onnx": {"sha256": "abc"}}}', 'files["model.onnx"].sha256 must be 64 hex digits'],
      ['{"files": {"model.onnx": {"size": -1}}}', 'files["model.onnx"].size must be a non-negative integer'],
    ]) {
      expect(() => parseManifest(new TextEncoder().encode(text!), 'k'), text).toThrow(why);
      try {
        parseManifest(new TextEncoder().encode(text!), 'k');
      } catch (e) {
        expect((e as { code: string }).code).toBe('DATA_LOSS');
      }
    }
  });
});

describe('warmup.json', () => {
  it('reads a JSON array or JSON lines of predict requests, NaN included', () => {
    expect(parseWarmupRecords('[{"instances": [1.0]}, {"inputs": [NaN]}]', 'k')).toHaveLength(2);
    expect(parseWarmupRecords('{"instances": [1.0]}\n\n{"inputs": [2]}\n', 'k')).toHaveLength(2);
  });

  it('rejects what TF Serving would, with the file named', () => {
    expect(() => parseWarmupRecords('{"instances": [1.0]}\n{oops', 'm/1/assets.extra/warmup.json')).toThrow(
      "Failed to parse warmup record on line 2 from m/1/assets.extra/warmup.json: Missing a name for object member. at offset: 1",
    );
    expect(() => parseWarmupRecords('[1, 2]', 'k')).toThrow('Warmup record 0 in k is not a predict request object');
    const tooMany = Array(MAX_WARMUP_RECORDS + 1).fill('{"instances": [1.0]}').join('\n');
    expect(() => parseWarmupRecords(tooMany, 'k')).toThrow('Number of warmup records exceeds the maximum (1000) at k');
  });
});

describe('repository snapshot', () => {
  const snapshot = new RepositoryListing(
    ['a/1/model.onnx', 'a/007/model.onnx', 'a/7/model.onnx', 'a/tmp/model.onnx', 'a/2/assets.extra/warmup.json', 'b/x/model.onnx', 'models.config.json', 'c/3/README'].map(
      (key) => ({ key, etag: `"${key}"`, size: 1 }),
    ),
  );
  it('finds models by their version folders and ignores everything else', () => {
    expect(snapshot.modelFolders().sort()).toEqual(['a', 'c']);
    const versions = snapshot.versions('a');
    expect([...versions.keys()].sort((x, y) => x - y)).toEqual([1, 2, 7]);
    expect(versions.get(7)!.folder).toBe('7'); // `7` sorts after `007`: the last one wins, as upstream
    expect([...versions.get(2)!.files.keys()]).toEqual(['assets.extra/warmup.json']);
  });
});
