import type { FieldError, RuleSlug } from './errors.ts';

/**
 * The warranty decision on resolve, as a pure function. The finding of the person
 * resolving is checked against the asset's coverage on the day the ticket was reported;
 * a finding that contradicts it needs a recorded override reason. An in-warranty repair
 * is free; misuse and expired cover are chargeable; a replacement needs a proof of purchase.
 */
export type Finding = 'in_warranty' | 'out_of_warranty' | 'misuse';

export interface WarrantyInput {
  finding?: Finding | undefined;
  overrideReason?: string | undefined;
  method: string;
  reportedOn: string;
  asset: { warranty_until: string | null; proof_of_purchase: unknown } | null;
  charges?: { currency: string; items: { kind: string; description: string; amount: number }[] } | undefined;
}

export interface WarrantyDecision {
  result: Finding;
  chargeable: boolean;
  overridden: boolean;
  reasons: string[];
}

export type WarrantyOutcome = { ok: true; decision: WarrantyDecision; total: number } | { ok: false; slug: RuleSlug; detail: string; errors: FieldError[] };

export function decideWarranty(input: WarrantyInput): WarrantyOutcome {
  const { asset, reportedOn } = input;
  const reasons: string[] = [];
  let covered = false;
  if (!asset) reasons.push('no product on the ticket, so no warranty on record');
  else if (!asset.warranty_until) reasons.push('the product has no warranty end date on record');
  else {
    covered = reportedOn <= asset.warranty_until;
    reasons.push(`reported on ${reportedOn}, warranty ${covered ? 'runs' : 'ran'} until ${asset.warranty_until}`);
  }

  if (input.method === 'replacement' && !asset?.proof_of_purchase) {
    return {
      ok: false,
      slug: 'replacement-needs-proof',
      detail: 'A replacement needs a proof of purchase on the product.',
      errors: [{ path: '/body/method', message: 'replacement needs a proof of purchase on the asset' }],
    };
  }

  let result: Finding;
  let overridden = false;
  if (input.finding === undefined) {
    result = covered ? 'in_warranty' : 'out_of_warranty';
    reasons.push(`decided from the product record: ${result}`);
  } else if (input.finding === 'misuse') {
    result = 'misuse';
    reasons.push('found to be caused by misuse');
  } else {
    result = input.finding;
    const contradicts = (result === 'in_warranty') !== covered;
    if (contradicts) {
      if (!input.overrideReason) {
        return {
          ok: false,
          slug: 'warranty-contradiction',
          detail: `The finding ${result} contradicts the product record (${covered ? 'covered' : 'not covered'}); give warranty_override_reason.`,
          errors: [{ path: '/body/warranty_override_reason', message: 'is required when the finding contradicts the product record' }],
        };
      }
      overridden = true;
      reasons.push(`overridden: ${input.overrideReason}`);
    } else {
      reasons.push(`finding ${result} agrees with the product record`);
    }
  }

  const chargeable = result !== 'in_warranty';
  const total = (input.charges?.items ?? []).reduce((sum, i) => sum + i.amount, 0);
  if (!chargeable && total > 0) {
    return {
      ok: false,
      slug: 'in-warranty-is-free',
      detail: 'An in-warranty repair is free: charges must be empty or zero.',
      errors: [{ path: '/body/charges', message: 'must total 0 for an in-warranty repair' }],
    };
  }
  return { ok: true, decision: { result, chargeable, overridden, reasons }, total };
}
