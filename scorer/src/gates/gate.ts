import type { GateResult, GateRule, LocalisedText as Localised } from '@shotfarm/shared';
import type { FormatEnum } from 'sharp';
import type { FeatureVector } from '../features/feature-names.ts';
import type { TextDetection } from '../text/index.ts';

/** The decoder's name for a file's format, as sharp's `metadata().format` reports it (sniffed, never the extension). */
export type ImageFormat = keyof FormatEnum;

/** Everything a gate looks at for one image. */
export interface GateInput {
  format: ImageFormat;
  /** File size in bytes, as the marketplace's uploader counts it. */
  bytes: number;
  features: FeatureVector;
  /** The text detector's result; the text rules read this, not the `textAreaRatio` feature, to see the box scores. */
  text: TextDetection;
}

export type { Localised };

/**
 * One marketplace requirement. It always reports what it measured and what it required, passing or not, so a
 * designer sees how far off an image is. A rule fails when a feature it needs is not a finite number.
 */
export interface GateRuleCheck {
  readonly id: string;
  evaluate(input: GateInput): GateRule;
}

/** A marketplace's image rules, one profile per file; register it in `index.ts`. */
export interface GateProfile {
  readonly id: string;
  readonly label: Localised;
  readonly rules: readonly GateRuleCheck[];
}

/** Checks that rule ids are unique within the profile, so results can be keyed by id. */
export function defineGateProfile(profile: GateProfile): GateProfile {
  const ids = profile.rules.map((r) => r.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`gate profile ${profile.id} lists rule ${duplicate} twice`);
  return profile;
}

/** Runs every rule (none short-circuits: all are reported); the profile passes when every rule does. */
export function runGateProfile(profile: GateProfile, input: GateInput): GateResult {
  const rules = profile.rules.map((r) => r.evaluate(input));
  return { pass: rules.every((r) => r.pass), rules };
}
