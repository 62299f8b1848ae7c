import { type KeyboardEvent, type ReactNode, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useMediaQuery } from '../hooks/useMediaQuery.js';

export type Section = 'people' | 'conversation' | 'call';
const SECTIONS: Section[] = ['people', 'conversation', 'call'];

/** One column with tabs below this width (phones, and narrow windows). */
export const NARROW_QUERY = '(max-width: 760px)';

interface RoomLayoutProps {
  people: ReactNode;
  conversation: ReactNode;
  call: ReactNode;
  /** Which section a phone shows; the page moves it (e.g. to the chat when a person is picked). */
  section: Section;
  onSectionChange: (section: Section) => void;
  /** A call runs: on a desktop it takes the centre as a stage, the conversation becomes a side panel. */
  staged: boolean;
  /** While staged: the conversation panel is open beside the stage. */
  chatOpen: boolean;
}

/**
 * Desktop: people on the left; the conversation in the centre, or while a call runs the call stage in the
 * centre with the conversation as a panel beside it (toggled by Chat). Phone: one section at a time under
 * a tab list (arrow keys move between tabs); every section stays mounted, so the call's audio goes on
 * while the chat is shown.
 */
export function RoomLayout(props: RoomLayoutProps) {
  const { people, conversation, call, section, onSectionChange, staged, chatOpen } = props;
  const { t } = useTranslation();
  const narrow = useMediaQuery(NARROW_QUERY);
  const tabs = useRef<HTMLDivElement>(null);
  const content: Record<Section, ReactNode> = { people, conversation, call };

  if (!narrow) {
    const mode = staged ? (chatOpen ? 'staged chat-open' : 'staged') : 'talking';
    return (
      <main className={`columns ${mode}`} aria-label={t('app.main')}>
        <div className="column column-people">{people}</div>
        <div className="column column-call">{call}</div>
        <div
          className="column column-conversation"
          id="conversation"
          tabIndex={-1}
          hidden={staged && !chatOpen}
        >
          {conversation}
        </div>
      </main>
    );
  }

  // The WAI-ARIA tabs pattern: one tab in the Tab order, arrows (and Home/End) move and select.
  const onKeyDown = (event: KeyboardEvent) => {
    const index = SECTIONS.indexOf(section);
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % SECTIONS.length
        : event.key === 'ArrowLeft'
          ? (index + SECTIONS.length - 1) % SECTIONS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? SECTIONS.length - 1
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    const target = SECTIONS[next] ?? 'people';
    onSectionChange(target);
    tabs.current?.querySelector<HTMLElement>(`#tab-${target}`)?.focus();
  };
  const fullScreenCall = staged && section === 'call';
  return (
    <main className={`tabs-layout ${fullScreenCall ? 'call-full' : ''}`} aria-label={t('app.main')}>
      <div role="tablist" aria-label={t('tabs.label')} className="tabs" ref={tabs} onKeyDown={onKeyDown}>
        {SECTIONS.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            id={`tab-${s}`}
            aria-selected={section === s}
            aria-controls={`panel-${s}`}
            tabIndex={section === s ? 0 : -1}
            onClick={() => onSectionChange(s)}
          >
            {t(`tabs.${s}`)}
          </button>
        ))}
      </div>
      {SECTIONS.map((s) => (
        <div
          key={s}
          role="tabpanel"
          id={`panel-${s}`}
          aria-labelledby={`tab-${s}`}
          className="tab-panel"
          hidden={section !== s}
          {...(s === 'conversation' ? { tabIndex: -1 } : {})}
        >
          {content[s]}
        </div>
      ))}
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
