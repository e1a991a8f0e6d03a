// The bundled worker thread (dist/worker/index.js) that the step starts to generate rows on
// the runner's other cores: the generator's worker body, nothing else.
import { runGeneratorWorker } from "@deploy/mock-data";

runGeneratorWorker();
