import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog.js';

const SECTIONS = ['server', 'p2p', 'privacy', 'safety', 'link', 'rooms'] as const;

/** The commit this page was built from (vite.config.ts), for comparing with a published release. */
declare const __KOPRU_BUILD__: string;

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} title={t('help.title')} closeLabel={t('help.close')} onClose={onClose}>
      {SECTIONS.map((section) => (
        <section key={section} className="help-section">
          <h3>{t(`help.${section}Title`)}</h3>
          <p>{t(`help.${section}Body`)}</p>
        </section>
      ))}
      <p className="hint build-id">{t('help.build', { id: __KOPRU_BUILD__ })}</p>
    </Dialog>
  );
}
