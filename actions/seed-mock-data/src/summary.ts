import { formatDuration, type SummaryBuilder, summary } from "@deploy/core";
import { type GuardCheck, parseDatabaseUrl, type SeedResult } from "@deploy/mock-data";
import type { Settings } from "./inputs.ts";

const TITLE = "Seed mock data";

/** Rows per second, whole, with thousands separators. */
function perSecond(rows: number, ms: number): string {
  return ms > 0 ? Math.round((rows * 1000) / ms).toLocaleString("en-US") : "-";
}

/** The guard's checks that passed (seed() lists them in order), as sentences. */
export function guardChecks(settings: Settings, result: SeedResult): string[] {
  const { guard, sink } = settings;
  const list = (names: string[]) => names.join(", ") || "none";
  const target = sink.kind === "postgres" ? parseDatabaseUrl(sink.url) : undefined;
  const patterns = guard.deniedHosts.map((p) => `\`${p}\``);
  const sentences: Record<GuardCheck, string> = {
    environment: `An environment was given: **${guard.environment}**.`,
    "denied-environments": `It is not a denied environment (${list(guard.deniedEnvironments)}).`,
    "allowed-environments": `It is an allowed environment (${list(guard.allowedEnvironments)}).`,
    "denied-hosts": `Host \`${target?.host}\` and database \`${target?.database}\` match no denied-hosts pattern (${list(patterns)}).`,
    marker: result.markerCreated
      ? `The database had no marker; this run marked it for **${guard.environment}** (create-marker).`
      : `The database's marker names **${guard.environment}**.`,
  };
  return result.checks.map((check) => sentences[check]);
}

/** What was written where: a row per table (rows, time, hash), the guard's checks, the totals. */
export function seedSummary(settings: Settings, result: SeedResult): SummaryBuilder {
  const { sink, plan } = settings;
  const target =
    sink.kind === "postgres"
      ? `\`${result.sink}\`${sink.reset === "truncate" ? ", its seed tables truncated first," : ""}`
      : `${sink.format.toUpperCase()} files in \`${result.sink}\``;
  return summary()
    .heading(`${TITLE}: ${settings.guard.environment} ✅`)
    .paragraph(
      `Wrote ${result.rows.toLocaleString("en-US")} rows to ${target} from \`${settings.seedFile}\` (seed ${plan.seed.seed}, generator ${plan.seed.generator}) in ${formatDuration(result.durationMs)}: ${perSecond(result.rows, result.durationMs)} rows/s.`,
    )
    .table(
      ["Table", "Rows", "Duration", "Rows/s", "Hash (sha256)"],
      result.tables.map((t) => [
        t.name,
        t.rows.toLocaleString("en-US"),
        formatDuration(t.durationMs),
        perSecond(t.rows, t.durationMs),
        `\`${t.hash}\``,
      ]),
    )
    .paragraph(`Data hash: \`${result.dataHash}\` (the same seed file gives the same hash, and the same data).`)
    .heading("Guard", 3)
    .list(guardChecks(settings, result));
}
