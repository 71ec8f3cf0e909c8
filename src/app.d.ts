// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SessionUser } from '$lib/server/auth/types';

declare global {
  namespace App {
    interface Error {
      code?: string;
    }
    interface Locals {
      user: SessionUser | null;
      sessionId: string | null;
      deviceId: string | null;
      /** The session may only send what the phone holds and report its wipe (ADR 0018). */
      wipeOnly: boolean;
      /** When the session began (a password sign-in). */
      sessionCreatedAt: string | null;
    }
  }
}

export {};
