import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/domain/errors.ts';
import { PROBLEM_TYPES } from '../../src/http/problem.ts';

// The README's problem table says, for every type the API can send, what it means and what to do.
describe('problem types', () => {
  it('each has a row in the README with its status and the words of src/http/problem.ts', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Problem types'), readme.indexOf('## Examples'));
    const rows = section.split('\n').filter((l) => l.startsWith('| <a id="problem-'));
    expect(rows).toHaveLength(Object.keys(PROBLEM_TYPES).length);
    for (const [slug, t] of Object.entries(PROBLEM_TYPES)) {
      expect(rows, slug).toContain(`| <a id="problem-${slug}"></a>\`${slug}\` | ${t.status} | ${t.description.replace(/\|/g, '\\|')} |`);
    }
  });

  it('every business rule is a 422 type', () => {
    for (const rule of Object.keys(RULES)) expect(PROBLEM_TYPES[rule as keyof typeof PROBLEM_TYPES].status, rule).toBe(422);
  });
});
