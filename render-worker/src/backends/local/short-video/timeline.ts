/** Longest cross-fade; shorter when many photos share a short video. */
const maxTransitionS = 0.8;

export interface SlideshowTimeline {
  /** Seconds each photo's clip lasts, its transitions included. */
  clipS: number;
  transitionS: number;
  /** xfade offset of the k-th transition (k = 1 … n-1), seconds from the start. */
  offsetsS: number[];
  /** Frames per clip (zoompan `d`), one spare so the last xfade never runs short. */
  clipFrames: number;
  /** Frames of the whole video: exactly `durationS × fps`, rounded. */
  totalFrames: number;
}

/**
 * Splits `durationS` between `photos` clips that overlap by one transition each:
 * `n·clip − (n−1)·transition = duration`, with the transition at most a third of a clip.
 */
export function planTimeline(photos: number, durationS: number, fps: number): SlideshowTimeline {
  if (!Number.isInteger(photos) || photos < 1) throw new RangeError(`Expected a positive integer for photos but received ${photos}`);
  const transitionS = photos === 1 ? 0 : Math.min(maxTransitionS, durationS / (photos * 3));
  const clipS = (durationS + (photos - 1) * transitionS) / photos;
  const offsetsS = Array.from({ length: photos - 1 }, (_, i) => (i + 1) * (clipS - transitionS));
  return { clipS, transitionS, offsetsS, clipFrames: Math.ceil(clipS * fps) + 1, totalFrames: Math.round(durationS * fps) };
}
