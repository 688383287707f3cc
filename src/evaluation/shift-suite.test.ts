import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, getFamily } from '../concepts/index.js';
import {
  cellEvalOptions,
  shiftCells,
  shiftColumns,
  shiftTable,
  type ShiftReport,
} from './shift-suite.js';

describe('shift suite cells', () => {
  it.each([...FAMILY_NAMES])(
    '%s: N from its minimum to 12, M from 1 to 10, its geometry bands, both colour shifts',
    (name) => {
      const f = getFamily(name);
      const cells = shiftCells(name);
      const values = (axis: string) => cells.filter((c) => c.axis === axis).map((c) => c.value);
      const sizes = values('entities') as number[];
      expect(sizes[0]).toBe(f.minEntities);
      expect(sizes[sizes.length - 1]).toBe(12);
      expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
      expect(sizes).toContain(10);
      expect(values('demos')).toEqual([1, 2, 3, 5, 10]);
      expect(values('geometry')).toEqual(
        (['small', 'large'] as const).filter((b) => f.geometry?.[b]),
      );
      expect(values('colours')).toEqual(['jitter', 'palette']);
    },
  );

  it("each cell changes one thing of eval's defaults and has a seed of its own", () => {
    const cells = shiftCells('square');
    const o = cells.map((c) => cellEvalOptions(c, { episodes: 7, seed: 1 }));
    expect(new Set(o.map((x) => x.seed)).size).toBe(cells.length);
    const geometry = o[cells.findIndex((c) => c.axis === 'geometry')];
    expect(geometry).toMatchObject({
      episodes: 7,
      demos: 5,
      entities: undefined,
      shift: { geometry: 'small' },
    });
    const demos = o[cells.findIndex((c) => c.axis === 'demos')];
    expect(demos).toMatchObject({ demos: 1, entities: undefined, shift: undefined });
    expect(cellEvalOptions(cells[0], { episodes: 7, seed: 1 })).toEqual(o[0]);
  });

  it('the table puts families in rows and cells in columns, with - where a family has no cell', () => {
    const cell = (
      family: 'red' | 'square',
      axis: 'entities' | 'geometry',
      value: number | string,
      score: number,
    ) => ({ family, axis, value, score, episodes: 10, low: 0, high: 1, lenientScore: score });
    const report: ShiftReport = {
      model: 'm',
      episodes: 10,
      seed: 3,
      quick: false,
      cells: [
        cell('red', 'entities', 3, 0.5),
        cell('square', 'entities', 5, 1),
        cell('square', 'geometry', 'large', 0.25),
      ],
    };
    expect(shiftColumns(report).map((c) => c.value)).toEqual([3, 5, 'large']);
    const lines = shiftTable(report).split('\n');
    expect(lines[0]).toMatch(/^family\s+N=3\s+N=5\s+large$/);
    expect(lines[2]).toMatch(/^red\s+0\.50\s+-\s+-$/);
    expect(lines[3]).toMatch(/^square\s+-\s+1\.00\s+0\.25$/);
    expect(shiftTable(report, true)).toMatch(/\| square \| - \| 1\.00 \| 0\.25 \|/);
  });
});
