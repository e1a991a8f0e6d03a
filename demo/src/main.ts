// `pnpm demo:run` (`npm run demo`, `pnpm demo`): the local rehearsal of the whole pipeline,
// see rehearsal.ts. Exits 1 with the failing step's error; cleans up on Ctrl-C.
import { rehearse } from "./rehearsal.ts";

const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    controller.abort();
    process.exitCode = 130;
  });
}

try {
  await rehearse({ signal: controller.signal });
} catch (error) {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = controller.signal.aborted ? 130 : 1;
}
