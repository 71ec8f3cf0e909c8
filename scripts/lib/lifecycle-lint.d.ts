export const NO_HAND_WRITTEN_TRANSITIONS: { selector: string; message: string }[];
export const LIFECYCLE_EXEMPT: string[];
