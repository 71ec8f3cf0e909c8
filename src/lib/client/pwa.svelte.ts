import { Workbox } from 'workbox-window';
import { dev } from '$app/environment';

/** How long an accepted update may take to activate before the app reloads to push it through. */
const PARKED_MS = 3000;

/**
 * Service-worker registration and the update prompt. A waiting new version is announced; the app
 * switches only when the officer accepts, and never while a draft has unsaved input or an upload
 * is running (the caller says which via `ready`).
 */
class Pwa {
  updateWaiting = $state(false);
  registered = $state(false);
  private wb: Workbox | null = null;
  private accepted = false;
  private fallback: ReturnType<typeof setTimeout> | null = null;

  register(): void {
    if (!('serviceWorker' in navigator) || this.wb) return;
    this.wb = new Workbox('/service-worker.js', { type: dev ? 'module' : 'classic' });
    this.wb.addEventListener('waiting', () => {
      this.updateWaiting = true;
    });
    // Reload only onto a version the officer accepted; the first install just takes control.
    this.wb.addEventListener('controlling', () => {
      if (this.fallback) clearTimeout(this.fallback);
      if (this.accepted) window.location.reload();
    });
    this.wb
      .register()
      .then(() => {
        this.registered = true;
      })
      .catch((e: unknown) => console.warn('service worker registration failed', e));
  }

  /** Asks the service worker to keep a file for offline use (the notice font). */
  async keep(url: string): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    const registration = await navigator.serviceWorker.ready;
    registration.active?.postMessage({ type: 'CACHE_FONT', url });
  }

  /** Asks the browser for a newer worker (on start and every hour). */
  async checkForUpdate(): Promise<void> {
    await this.wb?.update();
  }

  /**
   * Switches to the waiting version if `ready()` says the app may (asked again before the
   * fallback reload below); returns false, switching nothing, when it may not.
   */
  accept(ready: () => boolean): boolean {
    if (!ready() || !this.wb) return false;
    this.accepted = true;
    this.wb.messageSkipWaiting();
    // Chromium stops the outgoing worker to activate the new one, but its speculative warm-up
    // (links on screen) can start the old one again in that moment; the activation is then parked
    // for up to five minutes, and asking again changes nothing (the first skipWaiting() is still
    // pending). A navigation retries it: the reload lands on the new version.
    this.fallback = setTimeout(() => {
      if (navigator.serviceWorker.controller && ready()) window.location.reload();
    }, PARKED_MS);
    return true;
  }
}

export const pwa = new Pwa();
