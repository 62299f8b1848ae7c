import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog.js';

const SECTIONS = ['server', 'p2p', 'privacy', 'safety', 'rooms'] as const;

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
    </Dialog>
  );
}
