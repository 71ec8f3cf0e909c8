import type { Catalog } from '$lib/domain/catalog';
import { maskParty, partyDisplayName } from '$lib/domain/party';
import type { LockedRecord } from '$lib/domain/record';
import { shanghaiDate } from '$lib/domain/time';
import type { Flag } from '$lib/sync/contract';

/**
 * The summary columns of a record row that the console's statistics and re-inspection lists
 * filter on, derived from the locked version (the full record stays JSON in record_versions).
 * Live code: migration 0003 keeps its own frozen copy of what it computed when it ran.
 */
export function summaryFacts(
  r: Pick<LockedRecord, 'answers' | 'followUp' | 'reinspection' | 'evaluation'>,
) {
  const c = r.answers.correction;
  return {
    correction_mode: c?.mode ?? null,
    deadline: c?.mode === 'deadline' ? c.deadline : null,
    reinspected_at: r.reinspection?.doneAt ? new Date(r.reinspection.doneAt).toISOString() : null,
    repeat_offence: (r.evaluation.firstOffence?.priors.length ?? 0) > 0 ? 1 : 0,
    broken_commitment:
      r.answers.commitmentBroken === true || (c?.mode === 'deadline' && r.followUp === 'escalated')
        ? 1
        : 0,
  } as const;
}

/** The record row's columns that follow from a locked version and its flags (the list, search and statistics read them). */
export function summaryRow(record: LockedRecord, catalog: Catalog, flags: Flag[]) {
  const foundAt = new Date(record.foundAt).toISOString();
  const item = catalog.items.find((i) => i.code === record.itemCode);
  const party = record.party;
  const search = [
    partyDisplayName(party),
    party.kind === 'vehicle' ? party.plate : '',
    party.kind === 'business' ? (party.operatorName ?? '') : '',
    record.place.address,
    party.kind === 'business' ? party.address : '',
    item?.name ?? '',
    record.itemCode,
  ]
    .join(' ')
    .toLowerCase();
  return {
    latest_version: record.version,
    squad_id: record.squadId,
    officer1_id: record.officers[0].userId,
    officer2_id: record.officers[1].userId,
    item_code: record.itemCode,
    catalog_version: record.catalogVersion,
    branch: record.evaluation.branch,
    follow_up: record.followUp,
    found_at: foundAt,
    found_date: shanghaiDate(record.foundAt),
    party_kind: party.kind,
    party_name: partyDisplayName(party),
    party_masked: JSON.stringify(maskParty(party)),
    party_keys: record.partyKeys.join('\n'),
    address: record.place.address,
    search,
    flagged: flags.length > 0 ? (1 as const) : (0 as const),
    reinspection_due: record.followUp === 'pending' ? (record.reinspection?.dueDate ?? null) : null,
    device_id: record.deviceId,
    ...summaryFacts(record),
    ...(flags.some((f) => f.code === 'priorMissed') ? { repeat_offence: 1 as const } : {}),
  };
}
