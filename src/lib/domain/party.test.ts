import { describe, expect, it } from 'vitest';
import {
  checkMobile,
  checkPlate,
  checkResidentId,
  checkUscc,
  residentIdCheckChar,
  usccCheckChar,
  orgCodeCheckChar,
  maskMobile,
  maskName,
  maskPlate,
  maskResidentId,
} from './identifiers';
import {
  maskParty,
  normaliseParty,
  partyHint,
  partyKeys,
  validateParty,
  type Party,
} from './party';

describe('resident ID (GB 11643, ISO 7064 MOD 11-2)', () => {
  it.each([
    // The standard's own example.
    ['11010519491231002X', { ok: true, value: '11010519491231002X' }],
    ['11010519491231002x', { ok: true, value: '11010519491231002X' }],
    ['110105 1949 1231 002X', { ok: true, value: '11010519491231002X' }],
    ['１１０１０５１９４９１２３１００２Ｘ', { ok: true, value: '11010519491231002X' }],
    ['340102199003071232', { ok: true, value: '340102199003071232' }],
    ['341502198506150029', { ok: true, value: '341502198506150029' }],
    ['110105194912310021', { ok: false, error: 'checkDigit' }],
    ['340102199003071231', { ok: false, error: 'checkDigit' }],
    ['34010219900307123', { ok: false, error: 'length' }],
    ['3401021990030712345', { ok: false, error: 'length' }],
    ['34010219900307123A', { ok: false, error: 'characters' }],
    ['990102199003071232', { ok: false, error: 'region' }],
    ['340102199002301234', { ok: false, error: 'birthDate' }],
    ['340102189912311234', { ok: false, error: 'birthDate' }],
    ['', { ok: false, error: 'empty' }],
  ])('%s', (input, expected) => {
    expect(checkResidentId(input)).toMatchObject(expected);
  });

  it('rejects a birth date after today', () => {
    const id = '34010220270101123';
    const full = id + residentIdCheckChar(id);
    expect(checkResidentId(full, '2026-11-27')).toMatchObject({ ok: false, error: 'birthDate' });
    expect(checkResidentId(full)).toMatchObject({ ok: true });
  });

  it('computes check characters independently of the checker', () => {
    // Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 -> "10X98765432".
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('34010219900307123')).toBe('2');
  });
});

describe('unified social credit code (GB 32100)', () => {
  it.each([
    ['91350100M000100Y43', true, undefined],
    ['91350100m000100y43', true, undefined],
    ['９１３５０１００Ｍ０００１００Ｙ４３', true, undefined],
    ['91350100M000100Y44', false, 'checkDigit'],
    ['91350100M000100Y4', false, 'length'],
    ['91350100M000100I43', false, 'characters'],
    ['91350100M000100O43', false, 'characters'],
  ])('%s ok=%s', (input, ok, error) => {
    const r = checkUscc(input);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.error).toBe(error);
  });

  it('maps a remainder of 31 to 0', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  // Codes whose final check character is right, so the structure itself is what is checked.
  const code = (head: string, org: string, orgCheck = orgCodeCheckChar(org)) => {
    const first17 = `${head}${org}${orgCheck}`;
    return first17 + usccCheckChar(first17);
  };
  it.each([
    ["an individual business in Lu'an", code('92341500', 'MA2TXY1P'), true, undefined],
    ['a social organisation', code('51341500', '50712345'), true, undefined],
    ['a nationally registered company', code('91100000', '10001234'), true, undefined],
    ['market regulation has no category 4', code('94341500', 'MA2TXY1P'), false, 'registry'],
    ['no registration authority B', code('B1341500', 'MA2TXY1P'), false, 'registry'],
    ['no province 99', code('91990100', 'MA2TXY1P'), false, 'region'],
    ['letters in the division code', code('913415A0', 'MA2TXY1P'), false, 'region'],
    [
      'an organisation code with a wrong check character',
      code('92341500', 'MA2TXY1P', orgCodeCheckChar('MA2TXY1P') === '1' ? '2' : '1'),
      false,
      'orgCode',
    ],
  ])('%s (%s) ok=%s', (_name, input, ok, error) => {
    const r = checkUscc(input);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.error).toBe(error);
  });

  it('computes the organisation code check character (GB 11714), X for 10 and 0 for 11', () => {
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    // Weighted sums 6*2 = 12 (remainder 1: 11-1 = 10 -> X) and 0 (11 -> 0).
    expect(orgCodeCheckChar('00000006')).toBe('X');
    expect(orgCodeCheckChar('00000000')).toBe('0');
    expect(orgCodeCheckChar('00000005')).toBe('1');
  });
});

describe('vehicle plates', () => {
  it.each([
    ['皖A12345', true, '皖A12345'],
    ['皖a·12345', true, '皖A12345'],
    ['皖 A 1234 5', true, '皖A12345'],
    ['皖AD12345', true, '皖AD12345'],
    ['皖AFA2345', true, '皖AFA2345'],
    ['皖AF1A345', false, '皖AF1A345'],
    ['皖A12345D', true, '皖A12345D'],
    ['皖Ａ１２３４５', true, '皖A12345'],
    ['皖A1234挂', true, '皖A1234挂'],
    ['皖AI2345', false, '皖AI2345'],
    ['XA12345', false, 'XA12345'],
    ['皖A1234', false, '皖A1234'],
    ['皖AX12345', false, '皖AX12345'],
    ['皖A123456', false, '皖A123456'],
  ])('%s ok=%s', (input, ok, value) => {
    const r = checkPlate(input);
    expect(r.ok).toBe(ok);
    expect(r.value).toBe(value);
  });
});

describe('mobile numbers', () => {
  it.each([
    ['13800138000', true, '13800138000'],
    ['+86 138-0013-8000', true, '13800138000'],
    ['0086 13800138000', true, '13800138000'],
    ['8613800138000', true, '13800138000'],
    ['１３８００１３８０００', true, '13800138000'],
    ['12800138000', false, '12800138000'],
    ['1380013800', false, '1380013800'],
    ['1380013800a', false, '1380013800A'],
  ])('%s ok=%s', (input, ok, value) => {
    const r = checkMobile(input);
    expect(r.ok).toBe(ok);
    expect(r.value).toBe(value);
  });
});

describe('masking', () => {
  it.each([
    [maskResidentId, '340102199003071232', '3401**********1232'],
    [maskResidentId, '34010219900307123x', '3401**********123X'],
    [maskMobile, '13800138000', '138****8000'],
    [maskMobile, '+86 138 0013 8000', '138****8000'],
    [maskPlate, '皖AD12345', '皖A****45'],
    [maskPlate, '皖A12345', '皖A***45'],
    [maskName, '王喆', '王*'],
    [maskName, '李堃', '李*'],
    [maskName, '欧阳娜娜', '欧阳**'],
    [maskName, '张三丰', '张**'],
  ] as const)('%#: %s -> %s', (fn, input, expected) => {
    expect(fn(input)).toBe(expected);
  });

  it('masks every identifier of a party and leaves no digits of the middle', () => {
    const party: Party = {
      kind: 'person',
      name: '王喆',
      idNumber: '340102199003071232',
      mobile: '13800138000',
    };
    const masked = JSON.stringify(maskParty(party));
    expect(masked).not.toContain('340102199003071232');
    expect(masked).not.toContain('13800138000');
    expect(masked).toContain('3401**********1232');
  });
});

describe('party hint (what a confirming officer is shown)', () => {
  it.each([
    [{ kind: 'person', name: '欧阳娜娜', idNumber: '340102199003071232' }, '欧阳**'],
    [{ kind: 'person', name: '王喆', mobile: '13800138000' }, '王*'],
    [{ kind: 'business', name: '皖西土菜馆', uscc: '91350100M000100Y43' }, '皖西***'],
    [{ kind: 'business', name: '店', uscc: '91350100M000100Y43' }, '*'],
    [{ kind: 'vehicle', plate: '皖A12345', driverName: '刘强' }, '皖A***45'],
    [{ kind: 'unknown', description: '穿红衣的男子' }, '身份不明'],
  ] as const)('%#: %j -> %s', (party, hint) => {
    expect(partyHint(party as Party)).toBe(hint);
  });
});

describe('party keys', () => {
  const person = (idNumber: string, mobile?: string): Party => ({
    kind: 'person',
    name: '王喆',
    idNumber,
    ...(mobile ? { mobile } : {}),
  });

  it('finds the same person whatever way the ID was typed', () => {
    expect(partyKeys(person('34010219900307123x'))).toEqual(
      partyKeys(person('３４０１０２１９９００３０７１２３Ｘ')),
    );
  });

  it('orders keys strongest first', () => {
    const business: Party = {
      kind: 'business',
      name: '老王 面馆',
      uscc: '91350100M000100Y43',
      address: '金安区 梅山南路 12 号',
    };
    expect(partyKeys(business)).toEqual([
      'uscc:91350100M000100Y43',
      'shop:老王面馆|金安区梅山南路12号',
    ]);
  });

  it('matches a shop by name and address despite spaces and punctuation', () => {
    const a: Party = { kind: 'business', name: '老王面馆', address: '梅山南路12号' };
    const b: Party = { kind: 'business', name: '老王 面馆', address: '梅山南路 １２号。' };
    expect(partyKeys(a)).toEqual(partyKeys(b));
  });

  it('gives an unknown party no key, and skips invalid identifiers', () => {
    expect(partyKeys({ kind: 'unknown', description: '骑三轮车的男子' })).toEqual([]);
    expect(partyKeys(person('340102199003071231'))).toEqual([]);
    expect(partyKeys({ kind: 'vehicle', plate: '皖AD12345' })).toEqual(['plate:皖AD12345']);
  });
});

describe('validateParty and normaliseParty', () => {
  it('reports each bad identifier by field', () => {
    const party: Party = {
      kind: 'business',
      name: '店',
      address: '路',
      uscc: '91350100M000100Y44',
      mobile: '123',
    };
    expect(validateParty(party)).toEqual([
      { field: 'uscc', error: 'checkDigit' },
      { field: 'mobile', error: 'length' },
    ]);
  });

  it('stores normalised identifiers', () => {
    const party: Party = {
      kind: 'person',
      name: '李堃',
      idNumber: '34010219900307123２',
      mobile: '+86 138 0013 8000',
    };
    expect(validateParty(party)).toEqual([]);
    expect(normaliseParty(party)).toEqual({
      kind: 'person',
      name: '李堃',
      idNumber: '340102199003071232',
      mobile: '13800138000',
    });
  });
});
