export const ROLES = ['officer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type SessionUser = {
  id: string;
  username: string;
  role: Role;
  realName: string;
  certificateNo: string | null;
  squadId: string | null;
  /** Squads a supervisor may read and review (their own, or several for the legal section). */
  supervisedSquadIds: string[];
};
