import { describe, expect, it } from 'vitest';
import { decideWarranty, type WarrantyInput } from '../../src/domain/warranty.ts';

const covered = { warranty_until: '2026-06-30', proof_of_purchase: { kind: 'invoice' } };
const base = { method: 'repair', reportedOn: '2026-03-01', asset: covered } satisfies WarrantyInput;
const charges = (amount: number) => ({ currency: 'CNY', items: [{ kind: 'labour', description: 'visit', amount }, { kind: 'parts', description: 'board', amount: 500 }] });

describe('the warranty decision on resolve', () => {
  it.each([
    // finding, reported on, asset, result, chargeable, overridden
    [undefined, '2026-03-01', covered, 'in_warranty', false, false],
    [undefined, '2026-06-30', covered, 'in_warranty', false, false], // the last day is covered
    [undefined, '2026-07-01', covered, 'out_of_warranty', true, false],
    [undefined, '2026-03-01', null, 'out_of_warranty', true, false],
    [undefined, '2026-03-01', { warranty_until: null, proof_of_purchase: null }, 'out_of_warranty', true, false],
    ['in_warranty', '2026-03-01', covered, 'in_warranty', false, false], // agrees
    ['out_of_warranty', '2026-07-01', covered, 'out_of_warranty', true, false], // agrees
    ['misuse', '2026-03-01', covered, 'misuse', true, false], // misuse on a covered product needs no override
    ['misuse', '2026-07-01', covered, 'misuse', true, false],
  ] as const)('finding %s reported %s: %s', (finding, reportedOn, asset, result, chargeable, overridden) => {
    const out = decideWarranty({ ...base, finding, reportedOn, asset });
    expect(out).toMatchObject({ ok: true, decision: { result, chargeable, overridden } });
  });

  it('says why, in words a person can check', () => {
    const agrees = decideWarranty({ ...base, finding: 'in_warranty' });
    expect(agrees.ok && agrees.decision.reasons).toEqual(['reported on 2026-03-01, warranty runs until 2026-06-30', 'finding in_warranty agrees with the product record']);
    const expired = decideWarranty({ ...base, reportedOn: '2026-07-01' });
    expect(expired.ok && expired.decision.reasons).toEqual(['reported on 2026-07-01, warranty ran until 2026-06-30', 'decided from the product record: out_of_warranty']);
    const none = decideWarranty({ ...base, asset: null, finding: 'misuse' });
    expect(none.ok && none.decision.reasons).toEqual(['no product on the ticket, so no warranty on record', 'found to be caused by misuse']);
    const noDate = decideWarranty({ ...base, asset: { warranty_until: null, proof_of_purchase: null } });
    expect(noDate.ok && noDate.decision.reasons[0]).toBe('the product has no warranty end date on record');
  });

  it('a finding that contradicts the record needs a reason, and records it', () => {
    expect(decideWarranty({ ...base, finding: 'out_of_warranty' })).toEqual({
      ok: false,
      slug: 'warranty-contradiction',
      detail: 'The finding out_of_warranty contradicts the product record (covered); give warranty_override_reason.',
      errors: [{ path: '/body/warranty_override_reason', message: 'is required when the finding contradicts the product record' }],
    });
    expect(decideWarranty({ ...base, reportedOn: '2026-07-01', finding: 'in_warranty' })).toMatchObject({
      ok: false,
      detail: 'The finding in_warranty contradicts the product record (not covered); give warranty_override_reason.',
    });
    const overridden = decideWarranty({ ...base, reportedOn: '2026-07-01', finding: 'in_warranty', overrideReason: 'goodwill for a VIP' });
    expect(overridden).toEqual({
      ok: true,
      total: 0,
      decision: {
        result: 'in_warranty',
        chargeable: false,
        overridden: true,
        reasons: ['reported on 2026-07-01, warranty ran until 2026-06-30', 'overridden: goodwill for a VIP'],
      },
    });
  });

  it('an in-warranty repair is free; chargeable ones add up their items', () => {
    expect(decideWarranty({ ...base, charges: charges(1200) })).toEqual({
      ok: false,
      slug: 'in-warranty-is-free',
      detail: 'An in-warranty repair is free: charges must be empty or zero.',
      errors: [{ path: '/body/charges', message: 'must total 0 for an in-warranty repair' }],
    });
    expect(decideWarranty({ ...base, charges: { currency: 'CNY', items: [{ kind: 'labour', description: 'visit', amount: 0 }] } })).toMatchObject({ ok: true, total: 0 });
    expect(decideWarranty({ ...base, finding: 'misuse', charges: charges(1200) })).toMatchObject({ ok: true, total: 1700 });
    expect(decideWarranty({ ...base, finding: 'misuse' })).toMatchObject({ ok: true, total: 0 });
  });

  it('a replacement needs a proof of purchase, also when the ticket has no product (422, never a crash)', () => {
    const refused = {
      ok: false,
      slug: 'replacement-needs-proof',
      detail: 'A replacement needs a proof of purchase on the product.',
      errors: [{ path: '/body/method', message: 'replacement needs a proof of purchase on the asset' }],
    };
    expect(decideWarranty({ ...base, method: 'replacement', asset: null })).toEqual(refused);
    expect(decideWarranty({ ...base, method: 'replacement', asset: { warranty_until: '2026-06-30', proof_of_purchase: null } })).toEqual(refused);
    expect(decideWarranty({ ...base, method: 'replacement' })).toMatchObject({ ok: true, decision: { result: 'in_warranty' } });
    // Only a replacement asks for the proof.
    expect(decideWarranty({ ...base, method: 'repair', asset: { warranty_until: '2026-06-30', proof_of_purchase: null } })).toMatchObject({ ok: true });
  });
});
