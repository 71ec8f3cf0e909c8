/**
 * Record, review, follow-up, sync and confirmation states are decided by src/lib/domain/lifecycle.ts alone: a
 * state field may copy an existing state or take what a lifecycle function returns, never a value
 * written elsewhere (a state literal, a choice between literals, a lookup in a private table).
 * Used by eslint.config.js and by a unit test that lints the sources with these rules alone.
 */
const STATE_FIELD =
  '/^(state|reviewState|review_state|followUp|follow_up|syncStatus|confirmation)$/';
const STATE_VALUE =
  '/^(new|draft|completed|synced|waiting|pending|returned|approved|escalated|corrected|none|conflict|rejected|requested|confirmed|denied)$/';
const LIFECYCLE = 'State values come from src/lib/domain/lifecycle.ts (next…State, followUpOf).';

export const NO_HAND_WRITTEN_TRANSITIONS = [
  `Property[key.name=${STATE_FIELD}] > Literal.value[value=${STATE_VALUE}]`,
  `Property[key.name=${STATE_FIELD}] > ConditionalExpression.value Literal[value=${STATE_VALUE}]`,
  `Property[key.name=${STATE_FIELD}] > LogicalExpression.value Literal[value=${STATE_VALUE}]`,
  `Property[key.name=${STATE_FIELD}] > MemberExpression.value[computed=true]`,
  `AssignmentExpression[left.property.name=${STATE_FIELD}] > Literal.right[value=${STATE_VALUE}]`,
  `AssignmentExpression[left.property.name=${STATE_FIELD}] > ConditionalExpression.right Literal[value=${STATE_VALUE}]`,
].map((selector) => ({ selector, message: LIFECYCLE }));

/** Files that may write state values: the lifecycle module itself, and tests. */
export const LIFECYCLE_EXEMPT = ['**/*.test.ts', 'src/lib/domain/lifecycle.ts'];
