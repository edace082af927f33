// The performance aims of issue 19, as `npm run bench` checks them: each row's figure from
// this run, its aim, and ✓ or ✗. A row this run did not measure (BENCH_ONLY, or a part not
// built yet) says so and counts as not met.

interface Aim {
  key: string;
  what: string;
  /** Where the service stood before the work (BENCHMARKS.md). */
  was: string;
  aim: string;
  met: (v: number) => boolean;
  show: (v: number) => string;
}

const ratio = (v: number) => v.toFixed(2);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

export const AIMS: Aim[] = [
  { key: 'ticketCreate', what: 'POST /v1/tickets / bare ticket insert', was: '0.35', aim: '≥ 0.5', met: (v) => v >= 0.5, show: ratio },
  { key: 'ticketGet', what: 'GET /v1/tickets/{id} / bare ticket select', was: '0.58', aim: '≥ 0.7', met: (v) => v >= 0.7, show: ratio },
  { key: 'customerGet', what: 'GET /v1/customers/{id} / bare select', was: '0.65', aim: '≥ 0.7', met: (v) => v >= 0.7, show: ratio },
  { key: 'ticketList', what: 'ticket list page (filters, 50 rows) / bare route, same 50 rows', was: '—', aim: '≥ 0.7', met: (v) => v >= 0.7, show: ratio },
  { key: 'sweep10k', what: '10,000 clocks falling due, one sweep, recording', was: '1.23 s', aim: '< 1 s', met: (v) => v < 1_000, show: seconds },
  { key: 'breachLatencyP99', what: 'breach latency p99, production defaults', was: '4.95 s', aim: '≤ 2 s', met: (v) => v <= 2_000, show: seconds },
  { key: 'idleTickP99', what: 'an idle sweep tick (claim, sweep, record), p99', was: '—', aim: '< 1 ms', met: (v) => v < 1, show: millis },
  { key: 'churnLaterPer100k', what: 'churn scan per 100,000 customers, second scan', was: '4.2-6.8 s', aim: '< 2 s', met: (v) => v < 2_000, show: seconds },
  { key: 'churnFirstPer100k', what: 'churn scan per 100,000 customers, first scan', was: '22.6 s', aim: '< 15 s', met: (v) => v < 15_000, show: seconds },
  { key: 'visitBooking', what: 'visit booking / bare insert', was: '0.20', aim: '≥ 0.20', met: (v) => v >= 0.2, show: ratio },
  { key: 'webhookLagP99', what: 'webhook delivery lag p99 (commit to arrival)', was: '997 ms at 50/s', aim: '≤ 1 s', met: (v) => v <= 1_000, show: millis },
  { key: 'kpiYear', what: 'KPI year report by technician (median)', was: '9.75 s', aim: '≤ 9.75 s', met: (v) => v <= 9_749, show: seconds },
  { key: 'historyRatio', what: 'a change on a ticket with 2,000 timeline entries / on a fresh ticket', was: '2.1', aim: '≤ 1.2', met: (v) => v <= 1.2, show: ratio },
  { key: 'mixedLoadRatio', what: 'mixed load over 25 minutes: last 3 minutes / first 3 (req/s)', was: '0.78', aim: '≥ 0.95', met: (v) => v >= 0.95, show: ratio },
  { key: 'peakRss', what: 'peak RSS of the service under the bench', was: '243 MB', aim: '< 250 MB', met: (v) => v < 250, show: (v) => `${v.toFixed(0)} MB` },
];

/** Prints the aims table: figure, aim, ✓ or ✗, and how many are met. */
export function printAims(measured: Partial<Record<string, number>>): void {
  const width = Math.max(...AIMS.map((a) => a.what.length));
  console.log('\naims (issue 19):');
  console.log(`  ${'what'.padEnd(width)}  ${'before'.padStart(15)}  ${'this run'.padStart(10)}  ${'aim'.padStart(9)}`);
  let met = 0;
  for (const a of AIMS) {
    const v = measured[a.key];
    const ok = v !== undefined && Number.isFinite(v) && a.met(v);
    if (ok) met++;
    const shown = v === undefined || !Number.isFinite(v) ? 'not run' : a.show(v);
    console.log(`  ${a.what.padEnd(width)}  ${a.was.padStart(15)}  ${shown.padStart(10)}  ${a.aim.padStart(9)}  ${ok ? '✓' : '✗'}`);
  }
  console.log(`  ${met} of ${AIMS.length} aims met`);
}
