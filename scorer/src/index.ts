// The scorer grows here (features, marketplace gates, quality and CTR models); the backbone ships its first feature.
export { sharpness, workingSizePx } from './features/sharpness.ts';
