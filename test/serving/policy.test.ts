// The availability-preserving policy on arrays, as TF Serving tests GetNextAction.
import { describe, expect, it } from 'vitest';
import { nextActions, type VersionSnapshot } from '../../functions/serving/policy.ts';

const v = (version: number, state: VersionSnapshot['state'], aspired: boolean, loadable = false): VersionSnapshot => ({ version, state, aspired, loadable });

describe('availability-preserving policy', () => {
  it('loads every loadable version, highest first', () => {
    expect(nextActions([v(1, 'START', true, true), v(3, 'START', true, true), v(2, 'END', true)]).load).toEqual([3, 1]);
  });

  it('keeps the only loaded version while the aspired one is not ready', () => {
    expect(nextActions([v(2, 'LOADING', true), v(1, 'AVAILABLE', false)]).unload).toEqual([]);
    expect(nextActions([v(2, 'END', true), v(1, 'AVAILABLE', false)]).unload).toEqual([]);
  });

  it('unloads a version no longer aspired once another is loaded', () => {
    expect(nextActions([v(2, 'AVAILABLE', true), v(1, 'AVAILABLE', false)]).unload).toEqual([1]);
  });

  it('unloads stale versions lowest first and keeps the last one standing', () => {
    expect(nextActions([v(3, 'LOADING', true), v(2, 'AVAILABLE', false), v(1, 'AVAILABLE', false)]).unload).toEqual([1]);
  });

  it('with nothing aspired, unloads everything', () => {
    expect(nextActions([v(2, 'AVAILABLE', false), v(1, 'AVAILABLE', false)]).unload).toEqual([1, 2]);
  });

  it('never unloads an aspired version or one that is not AVAILABLE', () => {
    expect(nextActions([v(2, 'AVAILABLE', true), v(1, 'UNLOADING', false), v(0, 'START', false)]).unload).toEqual([]);
  });
});
