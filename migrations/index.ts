import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-24T0600_foundation.ts';
import * as technicians from './2026-11-24T0700_technicians.ts';
import * as tickets from './2026-11-24T0800_tickets.ts';
import * as sla from './2026-11-24T0900_sla.ts';
import * as ticketSla from './2026-11-24T1000_ticket_sla.ts';
import * as slaBreaches from './2026-11-24T1100_sla_breaches.ts';
import * as surveysChurn from './2026-11-24T1200_surveys_churn.ts';
import * as followUpWorklist from './2026-11-24T1300_follow_up_worklist.ts';
import * as slaRecompute from './2026-11-24T1400_sla_recompute.ts';
import * as eventPrivateData from './2026-11-27T2100_event_private_data.ts';
import * as serverSecrets from './2026-11-27T2300_server_secrets.ts';
import * as parts from './2026-11-28T0000_parts.ts';
import * as visits from './2026-11-28T0300_visits.ts';
import * as webhooks from './2026-11-28T0500_webhooks.ts';
import * as reportsQaKnowledge from './2026-11-28T0700_reports_qa_knowledge.ts';
import * as operations from './2026-11-28T0900_operations.ts';
import * as clockFolds from './2026-11-28T1300_clock_folds.ts';
import * as churnSchedule from './2026-11-28T1400_churn_schedule.ts';
import * as slaDueProbe from './2026-11-28T1500_sla_due_probe.ts';

/** Static index: the migrator never scans the file system, so bundles and images cannot miss one. */
export const migrations: Record<string, Migration> = {
  '2026-11-24T0600_foundation': foundation,
  '2026-11-24T0700_technicians': technicians,
  '2026-11-24T0800_tickets': tickets,
  '2026-11-24T0900_sla': sla,
  '2026-11-24T1000_ticket_sla': ticketSla,
  '2026-11-24T1100_sla_breaches': slaBreaches,
  '2026-11-24T1200_surveys_churn': surveysChurn,
  '2026-11-24T1300_follow_up_worklist': followUpWorklist,
  '2026-11-24T1400_sla_recompute': slaRecompute,
  '2026-11-27T2100_event_private_data': eventPrivateData,
  '2026-11-27T2300_server_secrets': serverSecrets,
  '2026-11-28T0000_parts': parts,
  '2026-11-28T0300_visits': visits,
  '2026-11-28T0500_webhooks': webhooks,
  '2026-11-28T0700_reports_qa_knowledge': reportsQaKnowledge,
  '2026-11-28T0900_operations': operations,
  '2026-11-28T1300_clock_folds': clockFolds,
  '2026-11-28T1400_churn_schedule': churnSchedule,
  '2026-11-28T1500_sla_due_probe': slaDueProbe,
};
