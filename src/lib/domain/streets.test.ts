import { describe, expect, it } from 'vitest';
import {
  distanceMeters,
  formatStreetList,
  MAX_STREETS,
  nearestStreets,
  parseStreetList,
  placeSuggestions,
  streetListSchema,
} from './streets';

describe('parseStreetList', () => {
  it.each([
    ['人民路', [{ name: '人民路' }]],
    ['人民路, 31.7349, 116.5078', [{ name: '人民路', lat: 31.7349, lng: 116.5078 }]],
    ['人民路，31.7349，116.5078', [{ name: '人民路', lat: 31.7349, lng: 116.5078 }]],
    ['人民路\t31.7349\t116.5078', [{ name: '人民路', lat: 31.7349, lng: 116.5078 }]],
    ['  皖西路  \n\n梅山南路\r\n', [{ name: '皖西路' }, { name: '梅山南路' }]],
    ['人民路, 31.73491234, 116.5', [{ name: '人民路', lat: 31.734912, lng: 116.5 }]],
    ['', []],
  ])('reads %j', (text, streets) => {
    expect(parseStreetList(text)).toEqual({ ok: true, streets });
  });

  it.each([
    [', 31.7, 116.5', 1, 'empty'],
    ['人民路\n人民路', 2, 'duplicate'],
    ['人民路, 31.7', 1, 'badPoint'],
    ['人民路, 北纬, 东经', 1, 'badPoint'],
    ['人民路, 31.7, 116.5, 9', 1, 'badPoint'],
    ['人民路, 116.5078, 31.7349', 1, 'outsideChina'],
    ['人民路, 0, 0', 1, 'outsideChina'],
    [`${'路'.repeat(201)}`, 1, 'tooLong'],
    ['人民\u202e路', 1, 'controlChars'],
  ] as const)('refuses %j on line %i (%s), keeping nothing', (text, line, code) => {
    const r = parseStreetList(`皖西路\n${text}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([{ line: line + 1, code }]);
  });

  it('refuses more than the limit, and reports every bad line at once', () => {
    const many = Array.from({ length: MAX_STREETS + 1 }, (_, i) => `路${i}`).join('\n');
    expect(parseStreetList(many)).toMatchObject({ ok: false, tooMany: true, problems: [] });
    const r = parseStreetList('人民路, 1\n\n皖西路, 0, 0');
    expect(r.ok ? [] : r.problems.map((p) => p.line)).toEqual([1, 3]);
  });

  it('reads back what it formats, and the wire schema accepts it', () => {
    const streets = [{ name: '人民路', lat: 31.7349, lng: 116.5078 }, { name: '皖西路' }];
    expect(parseStreetList(formatStreetList(streets))).toEqual({ ok: true, streets });
    expect(streetListSchema.parse(streets)).toEqual(streets);
    expect(streetListSchema.safeParse([{ name: '人民路', lat: 116.5, lng: 31.7 }]).success).toBe(
      false,
    );
  });
});

describe('nearestStreets', () => {
  const here = { lat: 31.7349, lng: 116.5078 };
  const streets = [
    { name: '人民路', lat: 31.7352, lng: 116.5081 }, // ~44 m
    { name: '皖西路', lat: 31.7381, lng: 116.5078 }, // ~356 m
    { name: '梅山南路', lat: 31.7449, lng: 116.5078 }, // ~1.1 km
    { name: '解放南路' }, // no point
  ];

  it('measures distances like a map does', () => {
    // One minute of latitude is a nautical mile, near enough.
    expect(distanceMeters(here, { lat: here.lat + 1 / 60, lng: here.lng })).toBeCloseTo(1853, -1);
    expect(distanceMeters(here, here)).toBe(0);
  });

  it.each([
    [{ ...here }, ['人民路', '皖西路']],
    [{ ...here, accuracyM: 800 }, ['人民路', '皖西路', '梅山南路']],
    [{ lat: 31.9, lng: 116.9 }, []],
  ])('from %j offers %j, nearest first', (fix, names) => {
    expect(nearestStreets(streets, fix).map((s) => s.name)).toEqual(names);
  });

  it('gives the distance in whole metres', () => {
    const [first] = nearestStreets(streets, here);
    expect(first?.meters).toBeGreaterThan(30);
    expect(first?.meters).toBeLessThan(60);
  });
});

describe('placeSuggestions', () => {
  it("orders premises, nearest points, recent places, the squad's frequent places, then the other names, without repeats", () => {
    expect(
      placeSuggestions({
        premises: '人民路66号门前',
        near: [{ name: '人民路' }],
        recent: ['梅山南路', '人民路', '人民路66号门前'],
        squad: ['万达广场北门', '梅山南路'],
        streets: [{ name: '皖西路' }, { name: '人民路' }, { name: '解放南路' }],
        current: '解放南路',
      }),
    ).toEqual(['人民路66号门前', '人民路', '梅山南路', '万达广场北门', '皖西路']);
  });
  it('keeps to the limit', () => {
    const streets = Array.from({ length: 20 }, (_, i) => ({ name: `路${i}` }));
    expect(placeSuggestions({ near: [], recent: [], streets, current: '' })).toHaveLength(6);
  });
});
