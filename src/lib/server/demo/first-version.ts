import { evaluate } from '$lib/domain/evaluate';
import { educationTextOf, lawExplainedOf } from '$lib/domain/drafting';
import { followUpOf } from '$lib/domain/lifecycle';
import { partyKeys, type Party } from '$lib/domain/party';
import {
  RECORD_SCHEMA_VERSION,
  type Evidence,
  type OfficerRef,
  type RecordContent,
} from '$lib/domain/record';
import { shanghaiDate, shanghaiIso } from '$lib/domain/time';
import { uuidv7 } from '$lib/domain/uuid';
import { blobSizes } from '../repos/blobs';
import type { SeedRun, DemoCase } from './history';
import { answersFor, GIVEN, ITEM_PARTY, newParty, ROADS, SURNAMES } from './people';
import { pick } from './random';
import { SQUADS, strip, type SeedOfficer } from './roster';

/**
 * The first version of one demo case, found at time `t` (moved into Shanghai working hours):
 * two officers of a squad, an item weighted by how often it is met, a party (sometimes one met
 * before), the answers, the priors the phone would have found (a few phones miss them), evidence,
 * education, procedure and signatures. Null when the moved time falls after the end of the demo.
 */
export async function firstVersion(run: SeedRun, t: number, end: number): Promise<DemoCase | null> {
  const { rng, blobs, ledger, parties } = run;
  const weighted = run.weighted;
  const local = new Date(t);
  const dayStart = Date.parse(`${shanghaiDate(local)}T08:00:00+08:00`);
  const when = new Date(dayStart + Math.floor(rng() * 10 * 3600_000));
  if (when.getTime() > end) return null;
  const date = shanghaiDate(when);
  const squadIndex = Math.floor(rng() * 4);
  const [o1, o2] = run.officers.filter((o) => o.squadId === SQUADS[squadIndex]?.id) as [
    SeedOfficer,
    SeedOfficer,
  ];
  const officers: [OfficerRef, OfficerRef] =
    rng() < 0.5 ? [strip(o1), strip(o2)] : [strip(o2), strip(o1)];
  const lead = o1.userId === officers[0].userId ? o1 : o2;
  const item = pick(rng, weighted);
  const kind: Party['kind'] = pick(rng, ITEM_PARTY[item.code] ?? ['person']);
  const squadId = lead.squadId;
  const repeatable = parties.filter((p) => p.itemCode === item.code && p.party.kind === kind);
  const repeat = repeatable.length > 0 && rng() < 0.12;
  const party = repeat ? pick(rng, repeatable).party : newParty(rng, kind, squadId);
  if (!repeat) parties.push({ party, squadId, itemCode: item.code });
  const keys = partyKeys(party);
  const answers = answersFor(rng, item, date, rng() < 0.08);
  const id = uuidv7(when.getTime());
  // A few devices miss a prior (no signal, stale ledger): the server flags those.
  const history =
    rng() < 0.05 ? [] : ledger.filter((l) => l.partyKeys.some((k) => keys.includes(k)));
  // A party who refuses to sign signs no commitment letter either.
  // Documents can be left after a refusal only at a known residence or premises.
  const refused =
    rng() < 0.08 && (party.kind === 'business' || (party.kind === 'person' && !!party.address));
  if (refused) answers.commitmentSigned = false;
  const evaluation = evaluate({
    catalog: run.catalog,
    itemCode: item.code,
    answers,
    partyKeys: keys,
    history,
    recordId: id,
    foundOn: date,
    now: when,
  });
  const at = shanghaiIso(when);
  const deviceId = await run.deviceOf(lead);
  const correctedOnSpot = answers.correction?.mode === 'onTheSpot' && answers.correction.corrected;
  const evidence: Evidence[] = [
    {
      sha256: pick(rng, blobs.photos),
      kind: 'before',
      mime: 'image/png',
      bytes: 1,
      width: 480,
      height: 360,
      takenAt: at,
      lat: 31.73 + rng() * 0.05,
      lng: 116.49 + rng() * 0.06,
      accuracyM: 5 + Math.round(rng() * 20),
      capturedBy: lead.userId,
    },
    ...(correctedOnSpot
      ? [
          {
            sha256: pick(rng, blobs.afterPhotos),
            kind: 'after' as const,
            mime: 'image/png' as const,
            bytes: 1,
            width: 480,
            height: 360,
            takenAt: shanghaiIso(when.getTime() + 15 * 60_000),
            capturedBy: lead.userId,
          },
        ]
      : []),
  ];
  const sizes = await blobSizes(
    run.ctx.db,
    evidence.map((e) => e.sha256),
  );
  for (const e of evidence) e.bytes = sizes.get(e.sha256) ?? 1;
  const partyName =
    party.kind === 'business'
      ? (party.operatorName ?? party.name)
      : party.kind === 'vehicle'
        ? (party.driverName ?? '驾驶人')
        : party.kind === 'person'
          ? party.name
          : '当事人';
  const content: RecordContent = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id,
    version: 1,
    previousVersionHash: null,
    deviceId,
    squadId,
    officers,
    createdAt: at,
    foundAt: at,
    place: {
      address:
        party.kind === 'business'
          ? party.address
          : `六安市${SQUADS[squadIndex]?.district ?? ''}${pick(rng, ROADS)}`,
      lat: 31.73 + rng() * 0.05,
      lng: 116.49 + rng() * 0.06,
      accuracyM: 5 + Math.round(rng() * 25),
      source: 'gps',
    },
    source: pick(rng, [
      'patrol',
      'patrol',
      'patrol',
      'complaint',
      'hotline12319',
      'camera',
    ] as const),
    catalogVersion: run.catalog.versionId,
    itemCode: item.code,
    party,
    partyKeys: keys,
    facts: `执法人员巡查发现，当事人${partyName}存在${item.name}行为。`,
    answers,
    firstOffenceCheck: {
      checkedAt: at,
      sources: ['local', 'server'],
      partyKeys: keys,
      priors: evaluation.firstOffence?.priors ?? [],
    },
    evaluation,
    evaluatedAt: at,
    education: ((methods: ('persuasion' | 'publicity')[]) => ({
      methods,
      content: educationTextOf(item, methods),
      lawExplained: lawExplainedOf(item),
      partyStatement: pick(rng, [
        '我知道了，马上改正。',
        '以后不会再这样了。',
        '不知道有这个规定，现在清楚了。',
        '',
      ]),
    }))(rng() < 0.5 ? ['persuasion'] : ['persuasion', 'publicity']),
    procedure: {
      certificatesShown: true,
      recusalNotified: true,
      recorder: Number.parseInt(id.slice(-1), 16) % 2 === 0 ? 0 : 1,
      ...(refused && (party.kind === 'business' || party.kind === 'person') && party.address
        ? {
            leftAt: {
              kind: party.kind === 'business' ? ('premises' as const) : ('residence' as const),
              address: party.address,
            },
          }
        : {}),
    },
    evidence,
    signatures: {
      party: refused
        ? {
            kind: 'refused',
            reason: '当事人拒绝签字',
            witness: {
              name: pick(rng, SURNAMES) + pick(rng, GIVEN),
              role: '社区居委会工作人员',
              signature: {
                sha256: pick(rng, blobs.signatures),
                signerName: '见证人',
                signedAt: at,
              },
            },
          }
        : {
            kind: 'signed',
            signature: {
              sha256: pick(rng, blobs.signatures),
              signerName: partyName,
              signedAt: at,
            },
          },
      officers: [
        { sha256: pick(rng, blobs.signatures), signerName: officers[0].name, signedAt: at },
        { sha256: pick(rng, blobs.signatures), signerName: officers[1].name, signedAt: at },
      ],
    },
    documents: [],
    followUp: followUpOf({ answers, reinspection: null }),
    reinspection:
      answers.correction?.mode === 'deadline' ? { dueDate: answers.correction.deadline } : null,
    amendmentNote: null,
    completedAt: shanghaiIso(when.getTime() + 20 * 60_000),
  };
  content.documents = await run.documentsFor(content, lead, deviceId, when);
  return {
    content,
    when,
    date,
    lead,
    officers,
    item,
    keys,
    history,
    id,
    squadId,
    deviceId,
    answers,
  };
}
