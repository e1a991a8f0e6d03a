/** The SSM part of a region. Filled in by the SSM service module. */
// biome-ignore lint/complexity/noBannedTypes: extended by the SSM module
export type SsmState = {};

export function emptySsmState(): SsmState {
  return {};
}
