import { describe, expect, it } from 'vitest';
import { episodeFigures } from './episode-svg.js';
import type { EpisodeJson, TruthJson } from './interchange.js';
import {
  attentionSvg,
  escapeXml,
  eventSvg,
  gridSvg,
  panelSvg,
  sceneSvg,
  trajectorySvg,
  type Panel,
} from './svg.js';
import { assertWellFormedXml, countClass } from './test-utils/xml.js';
import type { Scene } from './types.js';

const scene: Scene = {
  entities: [
    { pos: [0, 0], color: [0.5, 0.5, 0.5] }, // agent
    { pos: [0.5, 0.5], color: [1, 0, 0] },
    { pos: [-0.5, 0.6], color: [0, 0.2, 1] },
    { pos: [0.7, -0.7], color: [1, 0.9, 0] },
  ],
};

function moved(s: Scene, i: number, pos: [number, number]): Scene {
  return { entities: s.entities.map((e, j) => (j === i ? { ...e, pos } : e)) };
}

function circleCenters(svg: string, cls: string): [number, number][] {
  return [...svg.matchAll(/<circle class="([^"]*)" cx="([-\d.]+)" cy="([-\d.]+)"/g)]
    .filter((m) => m[1].split(' ').includes(cls))
    .map((m) => [Number(m[2]), Number(m[3])]);
}

describe('svg', () => {
  it('draws a scene: one circle per entity, the agent marked, y pointing up', () => {
    const svg = sceneSvg(scene, { title: 'a scene' });
    assertWellFormedXml(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(countClass(svg, 'entity')).toBe(4);
    expect(countClass(svg, 'agent')).toBe(1);
    expect(countClass(svg, 'agent-mark')).toBe(1);
    expect(countClass(svg, 'frame')).toBe(1);
    expect(countClass(svg, 'halo')).toBe(0);
    expect(svg).toContain('fill="rgb(255,0,0)"');
    const c = circleCenters(svg, 'entity');
    // entity 1 is at y = 0.5, entity 3 at y = -0.7: up in the world is up on the page
    expect(c[1][1]).toBeLessThan(c[3][1]);
    expect(c[1][0]).toBeGreaterThan(c[2][0]);
  });

  it('supports any number of entities', () => {
    for (const n of [1, 3, 12]) {
      const s: Scene = {
        entities: Array.from({ length: n }, (_, i) => ({
          pos: [i / n - 0.5, 0],
          color: [0, 0.8, 0],
        })),
      };
      const svg = sceneSvg(s);
      assertWellFormedXml(svg);
      expect(countClass(svg, 'entity')).toBe(n);
    }
  });

  it('draws attention halos whose size and opacity follow the value', () => {
    const svg = attentionSvg(scene, [1, 0, 0.3, 0.9]);
    assertWellFormedXml(svg);
    expect(countClass(svg, 'halo')).toBe(3);
    const halos = [
      ...svg.matchAll(/<circle class="halo"[^>]* r="([\d.]+)"[^>]*stroke-opacity="([\d.]+)"/g),
    ].map((m) => [Number(m[1]), Number(m[2])]);
    expect(halos).toHaveLength(3);
    // entity 0 (a = 1) has a bigger, more opaque ring than entity 2 (a = 0.3)
    expect(halos[0][0]).toBeGreaterThan(halos[1][0]);
    expect(halos[0][1]).toBeGreaterThan(halos[1][1]);
    expect(countClass(sceneSvg(scene, { attention: [0, 0, 0, 0] }), 'halo')).toBe(0);
  });

  it('draws an event: ghost and arrow for the moved entity, recolour mark, halos', () => {
    const after = moved(scene, 0, [0.4, 0.4]);
    after.entities[2] = { ...after.entities[2], color: [1, 0, 0] };
    const svg = eventSvg(
      { before: scene, after, attention: [1, 1, 0, 0] },
      { title: 'move-close' },
    );
    assertWellFormedXml(svg);
    expect(countClass(svg, 'entity')).toBe(4);
    expect(countClass(svg, 'ghost')).toBe(1);
    expect(countClass(svg, 'arrow')).toBe(1);
    expect(countClass(svg, 'recolor')).toBe(1);
    expect(countClass(svg, 'halo')).toBe(2);
    const ghost = circleCenters(svg, 'ghost')[0];
    const now = circleCenters(svg, 'entity')[0];
    expect(ghost).not.toEqual(now);
    // a recognition event (after = before) has no arrows
    const still = eventSvg({ before: scene, after: scene, attention: [0, 1, 0, 0] });
    expect(countClass(still, 'arrow')).toBe(0);
    expect(countClass(still, 'ghost')).toBe(0);
  });

  it('draws a trajectory as one trail per moving entity', () => {
    const states = [
      scene,
      moved(scene, 0, [0.1, 0.1]),
      moved(scene, 0, [0.3, 0.2]),
      moved(scene, 0, [0.45, 0.45]),
    ];
    const svg = trajectorySvg(states, { title: 'chain', attention: [1, 1, 0, 0] });
    assertWellFormedXml(svg);
    expect(countClass(svg, 'trail')).toBe(1);
    expect(countClass(svg, 'entity')).toBe(4);
    const points = svg
      .match(/<polyline class="trail" points="([^"]*)"/)![1]
      .trim()
      .split(' ');
    expect(points).toHaveLength(4);
  });

  it('escapes text', () => {
    expect(escapeXml(`<a & "b" 'c'>`)).toBe('&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;');
    const svg = panelSvg({ scene, title: 'A < B & "C"', subtitle: '</svg><script>' });
    assertWellFormedXml(svg);
    expect(svg).toContain('A &lt; B &amp; &quot;C&quot;');
    expect(svg).not.toContain('<script>');
  });

  it('lays out a titled grid of panels', () => {
    const p: Panel = { scene, title: 'x' };
    const svg = gridSvg(
      [
        { title: 'demos', rows: [[p, p, p]] },
        { title: 'queries', rows: [[p], [p, p]] },
      ],
      { title: 'episode' },
    );
    assertWellFormedXml(svg);
    expect(countClass(svg, 'panel')).toBe(6);
    expect(countClass(svg, 'entity')).toBe(24);
    const flat = gridSvg([[p, p]]);
    assertWellFormedXml(flat);
    expect(countClass(flat, 'panel')).toBe(2);
  });

  it('draws every figure of an episode', () => {
    const s = {
      entities: scene.entities.map((e) => ({
        pos: [...e.pos] as [number, number],
        color: [...e.color] as [number, number, number],
      })),
    };
    const s2 = {
      entities: s.entities.map((e, i) =>
        i === 0 ? { ...e, pos: [0.45, 0.45] as [number, number] } : e,
      ),
    };
    const episode: EpisodeJson = {
      demos: [
        { before: s, after: s2, attention: [1, 1, 0, 0] },
        { before: s, after: s2, attention: [1, 1, 0, 0] },
      ],
      queries: [
        { task: 'generate', before: s, attention: [1, 1, 0, 0] },
        { task: 'identify', scene: s },
      ],
    };
    const plain = episodeFigures(episode, { title: 'ep' });
    expect(plain.map((f) => f.name)).toEqual([
      'demo-00.svg',
      'demo-01.svg',
      'query-00.svg',
      'query-01.svg',
      'overview.svg',
    ]);
    for (const f of plain) assertWellFormedXml(f.svg);
    const truth: TruthJson = {
      family: 'move-close',
      queries: [
        { family: 'move-close', task: 'generate', after: s2 },
        { family: 'move-close', task: 'identify', attention: [1, 1, 0, 0] },
      ],
    };
    const answer = {
      concept: [],
      results: [{ after: s2, trajectory: [s, s2] }, { attention: [0.9, 0.2, 0.1, 0.6] }],
    };
    const full = episodeFigures(episode, {
      truth,
      answer,
      verdicts: [
        { ok: true, error: 0 },
        { ok: false, error: 1, reason: 'wrong set' },
      ],
    });
    for (const f of full) assertWellFormedXml(f.svg);
    const q0 = full.find((f) => f.name === 'query-00.svg')!.svg;
    expect(countClass(q0, 'panel')).toBe(3);
    expect(countClass(q0, 'trail')).toBe(1);
    expect(q0).toContain('ok (error 0)');
    const q1 = full.find((f) => f.name === 'query-01.svg')!.svg;
    expect(q1).toContain('wrong (error 1): wrong set');
    expect(countClass(full.find((f) => f.name === 'overview.svg')!.svg, 'panel')).toBe(2 + 6);
  });
});
