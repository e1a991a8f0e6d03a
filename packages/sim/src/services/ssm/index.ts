import type { World } from "../../world.ts";
import type { JsonService } from "../types.ts";
import { cancelCommand, getCommandInvocation, listCommandInvocations, listCommands, sendCommand } from "./commands.ts";
import { removeWorldFiles } from "./exec.ts";
import { describeInstanceInformation } from "./instance-information.ts";
import { stopCommands } from "./invocations.ts";
import {
  deleteParameter,
  getParameter,
  getParameterHistory,
  getParameters,
  getParametersByPath,
  labelParameterVersion,
  putParameterOperation,
} from "./parameters.ts";

export const ssmService: JsonService = {
  protocol: "json",
  targetPrefix: "AmazonSSM",
  operations: {
    GetParameter: getParameter,
    GetParameters: getParameters,
    GetParametersByPath: getParametersByPath,
    PutParameter: putParameterOperation,
    DeleteParameter: deleteParameter,
    LabelParameterVersion: labelParameterVersion,
    GetParameterHistory: getParameterHistory,
    SendCommand: sendCommand,
    GetCommandInvocation: getCommandInvocation,
    ListCommandInvocations: listCommandInvocations,
    ListCommands: listCommands,
    CancelCommand: cancelCommand,
    DescribeInstanceInformation: describeInstanceInformation,
  },
};

/** Cancels the world's unfinished commands, killing their processes, and removes the instances' directories. */
export function stopSsm(world: World): void {
  stopCommands(world, world.clock.now());
  removeWorldFiles(world);
}
