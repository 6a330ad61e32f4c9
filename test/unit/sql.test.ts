import { compile, sql, trustedSql } from '../../src/database/sql';

describe('the sql tag', () => {
  const cases: [string, ReturnType<typeof sql>, string, unknown[]][] = [
    ['no values', sql`SELECT 1`, 'SELECT 1', []],
    ['values become numbered parameters', sql`SELECT ${1}, ${'a'}`, 'SELECT $1, $2', [1, 'a']],
    ['a value that looks like SQL stays a value', sql`SELECT ${"1; DROP TABLE x"}`, 'SELECT $1', ['1; DROP TABLE x']],
    ['fragments are spliced, their parameters renumbered', sql`SELECT ${2} WHERE ${sql`a = ${3} AND ${sql`b = ${4}`}`}`, 'SELECT $1 WHERE a = $2 AND b = $3', [2, 3, 4]],
    ['join with a comma', sql`(${sql.join([sql`${1}`, sql`${2}`, trustedSql('x')])})`, '($1, $2, x)', [1, 2]],
    ['join with a separator', sql`${sql.join([sql`a = ${1}`, sql`b = ${2}`], trustedSql(' AND '))}`, 'a = $1 AND b = $2', [1, 2]],
    ['join of nothing', sql`x${sql.join([])}y`, 'xy', []],
    ['empty', sql`x${sql.empty()}y`, 'xy', []],
    ['arrays are one parameter', sql`WHERE id = ANY(${['a', 'b']}::uuid[])`, 'WHERE id = ANY($1::uuid[])', [['a', 'b']]],
    ['null is a parameter', sql`SELECT ${null}`, 'SELECT $1', [null]],
  ];
  it.each(cases)('%s', (_name, query, text, values) => {
    expect(compile(query)).toEqual({ text, values });
  });
});
