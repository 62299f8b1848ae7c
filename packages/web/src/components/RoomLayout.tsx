import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMediaQuery } from '../hooks/useMediaQuery.js';

export type Section = 'people' | 'conversation' | 'call';
const SECTIONS: Section[] = ['people', 'conversation', 'call'];

interface RoomLayoutProps {
  people: ReactNode;
  conversation: ReactNode;
  call: ReactNode;
  /** Which section a phone shows; the page moves it (e.g. to the chat when a person is picked). */
  section?: Section;
  onSectionChange?: (section: Section) => void;
}

/** The seed's three columns (people / conversation / call); one column with tabs on a narrow screen. */
export function RoomLayout({ people, conversation, call, section, onSectionChange }: RoomLayoutProps) {
  const { t } = useTranslation();
  const narrow = useMediaQuery('(max-width: 760px)');
  const [localSection, setLocalSection] = useState<Section>('people');
  const active = section ?? localSection;
  const select = (s: Section) => {
    setLocalSection(s);
    onSectionChange?.(s);
  };
  const content: Record<Section, ReactNode> = { people, conversation, call };

  if (!narrow) {
    return (
      <main className="columns">
        <div className="column column-people">{people}</div>
        <div className="column column-conversation" id="conversation">
          {conversation}
        </div>
        <div className="column column-call">{call}</div>
      </main>
    );
  }
  return (
    <main className="tabs-layout">
      <div role="tablist" aria-label={t('tabs.label')} className="tabs">
        {SECTIONS.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            id={`tab-${s}`}
            aria-selected={active === s}
            aria-controls={`panel-${s}`}
            onClick={() => select(s)}
          >
            {t(`tabs.${s}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`} className="tab-panel">
        {content[active]}
      </div>
    </main>
  );
}

/** The logo, name and tagline at the start of every page's top bar. */
export function Brand() {
  const { t } = useTranslation();
  return (
    <div className="brand">
      <img src="/favicon.svg" alt="" width={32} height={32} />
      <div>
        <h1>{t('app.title')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
      </div>
    </div>
  );
}
