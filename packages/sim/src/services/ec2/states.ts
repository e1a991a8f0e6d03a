import type { InstanceState } from "./state.ts";

/** The codes EC2 pairs with each instance state name (`instanceState.code`). */
const STATE_CODES: Record<InstanceState, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function instanceState(state: InstanceState): { code: number; name: InstanceState } {
  return { code: STATE_CODES[state], name: state };
}
