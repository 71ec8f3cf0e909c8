import { Workbox } from 'workbox-window';
import { dev } from '$app/environment';

/**
 * Service-worker registration and the update prompt. A waiting new version is announced; the app
 * switches only when the officer accepts, and never while a draft has unsaved input or an upload
 * is running (the caller says which via `canSwitch`).
 */
class Pwa {
  updateWaiting = $state(false);
  registered = $state(false);
  private wb: Workbox | null = null;
  private accepted = false;

  register(): void {
    if (!('serviceWorker' in navigator) || this.wb) return;
    this.wb = new Workbox('/service-worker.js', { type: dev ? 'module' : 'classic' });
    this.wb.addEventListener('waiting', () => {
      this.updateWaiting = true;
    });
    // Reload only onto a version the officer accepted; the first install just takes control.
    this.wb.addEventListener('controlling', () => {
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

  /** Returns false (and switches nothing) when the caller is not ready. */
  accept(canSwitch: boolean): boolean {
    if (!canSwitch || !this.wb) return false;
    this.accepted = true;
    this.wb.messageSkipWaiting();
    return true;
  }
}

export const pwa = new Pwa();
