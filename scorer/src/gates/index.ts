import { TaskError, type GateResult } from '@shotfarm/shared';
import { amazonMain } from './amazon-main.ts';
import { runGateProfile, type GateInput, type GateProfile } from './gate.ts';
import { pddMain } from './pdd-main.ts';
import { taobaoMain } from './taobao-main.ts';
import { taobaoWhite } from './taobao-white.ts';

export { defineGateProfile, runGateProfile, type GateInput, type GateProfile, type GateRuleCheck, type ImageFormat, type Localised } from './gate.ts';
export * from './tolerances.ts';
export { amazonMain, pddMain, taobaoMain, taobaoWhite };

/** Every marketplace profile by id. A map, not a switch, so the API can list them; a new one is one file plus one line. */
export const gateProfiles: ReadonlyMap<string, GateProfile> = new Map(
  [taobaoMain, taobaoWhite, amazonMain, pddMain].map((p) => [p.id, p] as const),
);

/** The profile ids, for validating a request's `profile` and listing the choices in an error. */
export const gateProfileIds: readonly string[] = [...gateProfiles.keys()];

/**
 * One profile's verdict, with every rule's measured value and threshold.
 * @throws TaskError `SF_GATE_PROFILE_UNKNOWN` for an id not in {@link gateProfiles}.
 */
export function evaluateGate(profileId: string, input: GateInput): GateResult {
  const profile = gateProfiles.get(profileId);
  if (!profile) {
    throw new TaskError('SF_GATE_PROFILE_UNKNOWN', `gate profile '${profileId}' does not exist; known: ${[...gateProfiles.keys()].join(', ')}`);
  }
  return runGateProfile(profile, input);
}

/** Every profile's verdict, keyed by profile id. */
export function evaluateAllGates(input: GateInput): Record<string, GateResult> {
  return Object.fromEntries([...gateProfiles].map(([id, profile]) => [id, runGateProfile(profile, input)]));
}
