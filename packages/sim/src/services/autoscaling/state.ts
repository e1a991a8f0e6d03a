/** The Auto Scaling part of a region. Filled in by the Auto Scaling service module. */
// biome-ignore lint/complexity/noBannedTypes: extended by the Auto Scaling module
export type AutoScalingState = {};

export function emptyAutoScalingState(): AutoScalingState {
  return {};
}
