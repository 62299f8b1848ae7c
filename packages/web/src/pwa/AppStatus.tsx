import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import './pwa.css';

/** Chromium's install offer (not in the DOM typings). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/**
 * Registers the service worker where the browser allows one (a secure context with a certificate it
 * trusts: a self-signed server is refused, and the app then simply runs without it) and reports a new
 * version that is installed and waiting.
 */
function useServiceWorker(): { waiting: ServiceWorker | undefined } {
  const [waiting, setWaiting] = useState<ServiceWorker>();
  useEffect(() => {
    if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
    const container = navigator.serviceWorker;
    let reloading = false;
    const onControllerChange = () => {
      // Only after the user asked for the update: a first install takes the page without a reload.
      if (reloading) window.location.reload();
    };
    container.addEventListener('controllerchange', onControllerChange);
    const watch = (registration: ServiceWorkerRegistration) => {
      const offer = (worker: ServiceWorker | null) => {
        // A worker waiting while another controls the page is a new version; the first one is not.
        if (worker && container.controller) {
          setWaiting(worker);
          reloading = true;
        }
      };
      offer(registration.waiting);
      registration.addEventListener('updatefound', () => {
        const installing = registration.installing;
        installing?.addEventListener('statechange', () => {
          if (installing.state === 'installed') offer(installing);
        });
      });
    };
    // The server knows whether its certificate is one browsers trust (not its own self-signed one).
    fetch('/app.json')
      .then((res) => res.json() as Promise<{ serviceWorker?: unknown }>)
      .then((config) =>
        config.serviceWorker === true ? container.register('/sw.js').then(watch) : undefined,
      )
      .catch((error: unknown) => console.info('Köprü runs without offline support here:', error));
    return () => container.removeEventListener('controllerchange', onControllerChange);
  }, []);
  return { waiting };
}

function useInstallOffer(): { install: (() => void) | undefined } {
  const [offer, setOffer] = useState<BeforeInstallPromptEvent>();
  useEffect(() => {
    const onOffer = (event: Event) => {
      event.preventDefault(); // our own button instead of the browser's mini-infobar
      setOffer(event as BeforeInstallPromptEvent);
    };
    const onInstalled = () => setOffer(undefined);
    window.addEventListener('beforeinstallprompt', onOffer);
    window.addEventListener('appinstalled', onInstalled);
    return () => {
      window.removeEventListener('beforeinstallprompt', onOffer);
      window.removeEventListener('appinstalled', onInstalled);
    };
  }, []);
  if (!offer) return { install: undefined };
  return {
    install: () => {
      void offer.prompt();
      void offer.userChoice.finally(() => setOffer(undefined));
    },
  };
}

const subscribeOnline = (notify: () => void) => {
  window.addEventListener('online', notify);
  window.addEventListener('offline', notify);
  return () => {
    window.removeEventListener('online', notify);
    window.removeEventListener('offline', notify);
  };
};

/**
 * The app's own state above every page: offline, a new version waiting ("Reload to update", so old and
 * new code never mix in one page), and "Install Köprü" where the browser offers installation.
 */
export function AppStatus() {
  const { t } = useTranslation();
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine);
  const { waiting } = useServiceWorker();
  const { install } = useInstallOffer();
  if (online && !waiting && !install) return null;
  return (
    <div className="app-status">
      {!online && (
        <p className="banner" role="status">
          {t('pwa.offline')}
        </p>
      )}
      {waiting && (
        <p className="banner" role="status">
          {t('pwa.updateReady')}{' '}
          <button type="button" onClick={() => waiting.postMessage({ type: 'skip-waiting' })}>
            {t('pwa.reload')}
          </button>
        </p>
      )}
      {install && (
        <button type="button" className="install-button" onClick={install}>
          {t('pwa.install')}
        </button>
      )}
    </div>
  );
}
