/**
 * Tasks from the city operations management platform (城市运行管理服务平台): a case found at the
 * front end (the 12319 hotline, a citizen's report, a camera, the platform's own patrol) and sent
 * to the bureau for handling (前端发现、后端处置, 六城管函〔2023〕190号). Pure: the wire contract
 * and both sides use these.
 */

export const TASK_SOURCES = ['hotline', 'citizen', 'camera', 'platformPatrol'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

/** received → assigned (to a squad and an officer pair) → handled (a record) | closed unfounded. */
export const TASK_STATES = ['received', 'assigned', 'handled', 'unfounded'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** How a record made from a task names where the case came from (records keep four sources). */
export const RECORD_SOURCE = {
  hotline: 'hotline12319',
  citizen: 'complaint',
  camera: 'camera',
  platformPatrol: 'patrol',
} as const satisfies Record<TaskSource, string>;

/** A platform's case id: its own number, as it sends it (1–64 letters, digits, _ . : -). */
export const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** What a task's photo may be (the platform's, and the one an unfounded close attaches). */
export const TASK_PHOTO_MEDIA = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** Photos a task may carry, and the largest of each (decoded). */
export const TASK_PHOTOS_MAX = 4;
export const TASK_PHOTO_BYTES_MAX = 3 * 1024 * 1024;

/** The reason a task is closed as unfounded: characters, at least and at most. */
export const UNFOUNDED_REASON = { min: 4, max: 500 } as const;
