import { CallError, type CallManager, type InCallState } from '@kopru/client';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './icons.js';
import { usePopover } from './usePopover.js';

interface AddPeopleProps {
  call: CallManager;
  state: InCallState;
  /** Everyone else in the room (id → name). */
  names: ReadonlyMap<string, string>;
}

/** "Add people": rings someone from the room into the running call, up to the cap. */
export function AddPeople({ call, state, names }: AddPeopleProps) {
  const { t } = useTranslation();
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = usePopover(button);
  const [error, setError] = useState<string>();
  const listId = useId();
  const max = call.maxCallParticipants;
  const full = state.participants.size + state.ringing.size + 1 >= max;
  const candidates = [...names].filter(([id]) => !state.participants.has(id) && !state.ringing.has(id));
  const add = (peerId: string) => {
    try {
      call.invite([peerId]);
      setError(undefined);
      setOpen(false);
    } catch (e) {
      setError(e instanceof CallError ? t(`call.errors.${e.code}`, { max }) : String(e));
    }
  };
  return (
    <div className="add-people popover-anchor">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
      >
        <Icon name="addPeople" />
        <span>{t('call.addPeople')}</span>
      </button>
      {open && (
        <div id={listId} className="popover">
          {full ? (
            <p className="hint">{t('call.errors.CALL_FULL', { max })}</p>
          ) : candidates.length === 0 ? (
            <p className="hint">{t('call.nobodyToAdd')}</p>
          ) : (
            <ul className="add-people-list">
              {candidates.map(([id, name]) => (
                <li key={id}>
                  <button type="button" onClick={() => add(id)}>
                    {t('call.addPerson', { name })}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
