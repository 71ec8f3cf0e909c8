import { describe, expect, it } from 'vitest';
import { recordContent } from '../../../tests/support/factories';
import { consistencyIssues, type RecordContent } from './record';

describe('the on-site procedure documents of template 2 print', () => {
  const refusal = (c: RecordContent): RecordContent => ({
    ...c,
    answers: { ...c.answers, commitmentSigned: false },
    signatures: {
      ...c.signatures,
      party: {
        kind: 'refused',
        reason: '当事人拒绝签名',
        witness: { name: '李四', role: '社区网格员', signature: c.signatures.officers[0] },
      },
    },
  });
  const cases: [string, (c: RecordContent) => RecordContent, string | null, string | null][] = [
    ['a complete procedure', (c) => c, null, null],
    [
      'no procedure on a template 2 record',
      (c) => ({ ...c, procedure: undefined }),
      'procedure',
      'procedureRequired',
    ],
    [
      'no procedure on a record issued under template 1',
      (c) => ({
        ...c,
        procedure: undefined,
        documents: c.documents.map((d) => ({ ...d, templateVersion: '1' })),
      }),
      null,
      null,
    ],
    [
      'certificates not shown',
      (c) => ({ ...c, procedure: { ...c.procedure!, certificatesShown: false } }),
      'procedure.certificatesShown',
      'certificatesNotShown',
    ],
    [
      'recusal not told',
      (c) => ({ ...c, procedure: { ...c.procedure!, recusalNotified: false } }),
      'procedure.recusalNotified',
      'recusalNotNotified',
    ],
    [
      'a refusal without the place the documents were left',
      refusal,
      'procedure.leftAt',
      'serviceAddressRequired',
    ],
    [
      'a refusal with documents left at the residence',
      (c) => ({
        ...refusal(c),
        procedure: {
          ...c.procedure!,
          leftAt: { kind: 'residence', address: '六安市金安区佛子岭路18号' },
        },
      }),
      null,
      null,
    ],
    [
      'a place of leaving when the party signed',
      (c) => ({
        ...c,
        procedure: { ...c.procedure!, leftAt: { kind: 'premises', address: '梅山南路12号' } },
      }),
      'procedure.leftAt',
      'serviceAddressOnlyForRefusal',
    ],
    [
      'a decision for a person whose address is not known',
      (c) => ({ ...c, party: { ...c.party, address: undefined } as RecordContent['party'] }),
      'party.address',
      'addressRequiredForDecision',
    ],
  ];
  it.each(cases)('%s', (_name, change, path, code) => {
    const found = consistencyIssues(change(recordContent())).filter(
      (i) => i.path[0] === 'procedure' || i.code === 'addressRequiredForDecision',
    );
    expect(found.map((i) => [i.path.join('.'), i.code])).toEqual(
      code === null ? [] : [[path, code]],
    );
  });
});
