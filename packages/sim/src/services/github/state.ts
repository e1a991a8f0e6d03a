/** The GitHub part of the world (global, not per region). Filled in by the GitHub module. */
// biome-ignore lint/complexity/noBannedTypes: extended by the GitHub module
export type GithubState = {};

export function emptyGithubState(): GithubState {
  return {};
}
