import * as core from "@actions/core";
import { cancellationSignal } from "./cancellation.ts";
import { clockFromEnv } from "./clock.ts";
import { type Context, runContext } from "./context.ts";
import { DeployError } from "./errors.ts";
import { type Inputs, inputs } from "./inputs.ts";
import { actionsLogger, failureMessage } from "./runner.ts";
import { redact } from "./secrets.ts";
import type { SummaryBuilder } from "./summary.ts";

/**
 * The one way an action is written. `defineAction` declares, once, everything its main step
 * hands to its post step; `action.main(...)` and `action.post(...)` then wrap each step's
 * story, so that the kernel owns the step's life: reading the runner's variables, the clock,
 * the cancellation signal, the duration, a failure's message and summary, and the phase.
 *
 * The phase is how the post step knows what the main step left unsettled. The main step
 * moves forward through PHASES and never back:
 * - `changing`: it is about to change something outside the runner (AWS, a GitHub
 *   deployment); what it saved from here on is what the post step finishes or undoes.
 * - `settled`: that change reached its end (done, or failed and rolled back); nothing may be
 *   undone any more, and all that is left is to report it.
 * - `reported`: everything is reported; the kernel sets it when the main step returns.
 * The post step runs only after `changing` or `settled`, so a failure after the AWS work
 * settled (a GitHub outage on the last status) can only ever complete the reporting.
 */
export const PHASES = ["changing", "settled", "reported"] as const;
export type StepPhase = (typeof PHASES)[number];

/** A value handed from main to post, typed once where the action declares its state. */
export interface StateSlot<T> {
  /** Carries the type only; a slot holds no value itself. */
  readonly type?: T;
}

/** Declares a slot of type `T` in `defineAction`'s `state`. */
export function slot<T>(): StateSlot<T> {
  return {};
}

export type StateSlots = Record<string, StateSlot<unknown>>;
type SlotValue<S> = S extends StateSlot<infer T> ? T : never;
/** What the post step reads back: each slot that the main step saved. */
export type SavedState<S extends StateSlots> = { readonly [K in keyof S]?: SlotValue<S[K]> };

export interface StepBase<C extends Context> {
  readonly ctx: C;
  readonly inputs: Inputs;
  /** Milliseconds since the step started, on the step's clock. */
  elapsedMs(): number;
}

export interface MainStep<S extends StateSlots, C extends Context> extends StepBase<C> {
  /** Hands `value` to the post step; save what exists as soon as it does. */
  save<K extends keyof S & string>(key: K, value: SlotValue<S[K]>): void;
  /** Moves the step to `phase` (see PHASES); a phase already passed is kept. */
  reach(phase: StepPhase): void;
  /**
   * What the job summary shows if the step fails from here on (a refusal, say): the
   * summary `report` makes of the error, if any. The latest one registered counts.
   */
  onFailure(report: (error: unknown) => SummaryBuilder | undefined): void;
}

export interface PostStep<S extends StateSlots, C extends Context> extends StepBase<C> {
  /** How far the main step got: `changing` or `settled` (the post step runs for no other). */
  readonly phase: Exclude<StepPhase, "reported">;
  readonly state: SavedState<S>;
}

export interface ActionDefinition<S extends StateSlots, C extends Context> {
  /** Every value the main step hands to the post step, each with its type. */
  state: S;
  /** Builds the step's context from the kernel's, e.g. adding AWS clients; the kernel's as it is by default. */
  context?: (base: Context) => C;
}

export interface Action<S extends StateSlots, C extends Context> {
  /** The main step: `await action.main(story)()` in the step's entry. */
  main(story: (step: MainStep<S, C>) => Promise<void>): () => Promise<void>;
  /** The post step, run only when the main step reached `changing` or `settled`. */
  post(story: (step: PostStep<S, C>) => Promise<void>): () => Promise<void>;
}

/** Where the phase is kept beside the action's own state. */
const PHASE_KEY = "deploy-phase";

export function defineAction<S extends StateSlots, C extends Context = Context>(
  definition: ActionDefinition<S, C>,
): Action<S, C> {
  if (PHASE_KEY in definition.state) throw new Error(`"${PHASE_KEY}" is the kernel's own state key`);
  return {
    main: (story) => () =>
      runStep(definition, async (base) => {
        let phase: StepPhase | undefined;
        let failureReport: ((error: unknown) => SummaryBuilder | undefined) | undefined;
        const step: MainStep<S, C> = {
          ...base,
          save: (key, value) => core.saveState(key, JSON.stringify(value)),
          reach(next) {
            if (phase !== undefined && PHASES.indexOf(next) <= PHASES.indexOf(phase)) return;
            phase = next;
            core.saveState(PHASE_KEY, next);
          },
          onFailure(report) {
            failureReport = report;
          },
        };
        try {
          await story(step);
          step.reach("reported");
        } catch (error) {
          // The summary may fail to be written too, which must not hide the step's own error.
          try {
            await failureReport?.(error)?.write();
          } catch (summaryError) {
            core.warning(`The failure's job summary could not be written: ${failureMessage(summaryError)}`);
          }
          throw error;
        }
      }),
    post: (story) => () =>
      runStep(definition, async (base) => {
        const phase = savedPhase();
        if (phase === undefined || phase === "reported") return;
        await story({ ...base, phase, state: readState(definition.state) });
      }),
  };
}

/**
 * Runs one step: the runner's variables read once, a clock and cancellation for every wait,
 * and any error turned into a failed step with a readable message (the stack in the debug log).
 */
async function runStep<C extends Context>(
  definition: ActionDefinition<StateSlots, C>,
  story: (step: StepBase<C>) => Promise<void>,
): Promise<void> {
  try {
    const clock = clockFromEnv();
    const started = clock.now();
    const base: Context = {
      clock,
      signal: cancellationSignal(),
      logger: actionsLogger(),
      run: runContext(),
    };
    const ctx = definition.context ? definition.context(base) : (base as C);
    await story({ ctx, inputs, elapsedMs: () => clock.now() - started });
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(redact(error.stack));
    core.setFailed(failureMessage(error));
  }
}

function savedPhase(): StepPhase | undefined {
  const text = core.getState(PHASE_KEY);
  if (text === "") return undefined;
  if (!(PHASES as readonly string[]).includes(text)) {
    throw invalidState(PHASE_KEY, text, `one of ${PHASES.join(", ")}`);
  }
  return text as StepPhase;
}

function readState<S extends StateSlots>(slots: S): SavedState<S> {
  const state: Record<string, unknown> = {};
  for (const key of Object.keys(slots)) {
    const text = core.getState(key);
    if (text === "") continue;
    try {
      state[key] = JSON.parse(text);
    } catch (error) {
      throw invalidState(key, text, "JSON", error);
    }
  }
  return state as SavedState<S>;
}

function invalidState(key: string, text: string, expected: string, cause?: unknown): DeployError {
  return new DeployError({
    what: `The main step's state "${key}" is not ${expected}.`,
    why: `Got "${redact(text)}": the state is written by the main step of the same action and version.`,
    fix: "Run the job again; if it recurs, the main and post steps come from different versions of the action.",
    code: "InvalidState",
    cause,
  });
}
