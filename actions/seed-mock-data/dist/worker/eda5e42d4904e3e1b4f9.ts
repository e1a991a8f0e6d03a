// The generator's worker thread for runs from source (tests, scripts): Node 24 strips the types.
// Bundled actions use their own entry (actions/seed-mock-data/src/worker.ts), which calls the same body.
import { runGeneratorWorker } from "./threads.js";
runGeneratorWorker();
