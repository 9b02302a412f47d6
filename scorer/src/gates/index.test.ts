import { GateProfileId, GateResult, TaskError } from '@shotfarm/shared';
import { describe, expect, it } from 'vitest';
import { evaluateAllGates, evaluateGate, gateProfiles } from './index.ts';
import { amazonShot, whiteShot } from '../../test/gate-input.ts';

describe('gate registry', () => {
  it('holds the four marketplace profiles, keyed by their ids', () => {
    expect([...gateProfiles.keys()].sort()).toEqual(['amazon-main', 'pdd-main', 'taobao-main', 'taobao-white']);
    for (const [id, profile] of gateProfiles) expect(profile.id).toBe(id);
  });

  it('matches the shared GateProfileId list the API checks requests against', () => {
    expect([...gateProfiles.keys()].sort()).toEqual([...GateProfileId.options].sort());
  });

  it('evaluates one profile by id', () => {
    expect(evaluateGate('taobao-white', whiteShot()).pass).toBe(true);
    expect(evaluateGate('amazon-main', whiteShot()).pass).toBe(false);
  });

  it('answers SF_GATE_PROFILE_UNKNOWN for an id it does not know', () => {
    const err = (() => {
      try {
        return evaluateGate('ebay-main', whiteShot());
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TaskError);
    expect(err).toMatchObject({ code: 'SF_GATE_PROFILE_UNKNOWN' });
  });

  it('evaluates every profile, each result matching the shared GateResult schema after a JSON round trip', () => {
    for (const input of [whiteShot(), amazonShot(), whiteShot({ format: 'webp', features: { widthPx: 1, heightPx: 0, centroidOffset: Number.NaN } })]) {
      const all = evaluateAllGates(input);
      expect(Object.keys(all).sort()).toEqual([...gateProfiles.keys()].sort());
      for (const [id, result] of Object.entries(all)) {
        expect(GateResult.parse(JSON.parse(JSON.stringify(result))), id).toEqual(result);
        for (const r of result.rules) {
          expect(r.message['zh-CN'].length, `${id}/${r.id}`).toBeGreaterThan(0);
          expect(r.message.en.length, `${id}/${r.id}`).toBeGreaterThan(0);
        }
        expect(result.pass).toBe(result.rules.every((r) => r.pass));
      }
    }
  });

  it('passes every profile on the image each is written for, and Amazon only on its own', () => {
    const white = evaluateAllGates(whiteShot());
    expect(Object.fromEntries(Object.entries(white).map(([id, r]) => [id, r.pass])))
      .toEqual({ 'taobao-main': true, 'taobao-white': true, 'amazon-main': false, 'pdd-main': true });
    expect(evaluateAllGates(amazonShot())['amazon-main']!.pass).toBe(true);
  });
});
