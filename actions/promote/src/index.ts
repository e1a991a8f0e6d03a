import { runStep } from "@deploy/core";
import { run } from "./main.ts";

await runStep(run);
