import {
  ChatError,
  type ChatManager,
  type ChatRecord,
  type PeerPairState,
  ROOM_CONVERSATION_ID,
} from '@kopru/client';
import { CHAT_TEXT_MAX, type PeerInfo } from '@kopru/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type SessionFacade, useConversation, useTyping } from '../hooks/useSession.js';
import { CallButtons } from './call/CallButtons.js';
import { MessageText } from './MessageText.js';
import { LinkProofNotice, LinkProofSummary } from './security/LinkProof.js';
import { RouteSuffix } from './security/PeerSecurityBadge.js';
import { SecurityDetails } from './security/SecurityDetails.js';
import { SendFilesButtons } from './transfer/SendFilesButton.js';
import { TransferList } from './transfer/TransferList.js';
import { useConversationFiles } from './transfer/useConversationFiles.js';

interface ConversationPanelProps {
  session: SessionFacade;
  chat: ChatManager | undefined;
  conversationId: string | undefined;
  /** The other person of a direct conversation (undefined for the room, or when they have left). */
  peer: PeerInfo | undefined;
  names: ReadonlyMap<string, string>;
  pairState: PeerPairState | undefined;
  /** True while the conversation is what the user is looking at (marks messages read). */
  visible: boolean;
}

function Bubble({ record, showSender }: { record: ChatRecord; showSender: boolean }) {
  const { t, i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' }).format(
    record.sentAt,
  );
  const mine = record.direction === 'out';
  return (
    <li className={`bubble ${mine ? 'mine' : 'theirs'}`} data-state={record.state}>
      {showSender && !mine && <span className="sender">{record.fromName}</span>}
      <p className="bubble-text">
        <MessageText text={record.text} />
      </p>
      <span className="meta">
        <time dateTime={new Date(record.sentAt).toISOString()}>{time}</time>
        {mine && <span className="delivery">{t(`chat.state.${record.state}`)}</span>}
      </span>
    </li>
  );
}

export function ConversationPanel(props: ConversationPanelProps) {
  const { session, chat, conversationId, peer, names, pairState, visible } = props;
  const { t } = useTranslation();
  const id = conversationId ?? '';
  const messages = useConversation(chat, id);
  const typing = useTyping(chat, id);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();
  const logRef = useRef<HTMLOListElement>(null);
  const isRoom = conversationId === ROOM_CONVERSATION_ID;
  const sectionRef = useRef<HTMLElement>(null);
  const files = useConversationFiles(session, conversationId, sectionRef);

  useEffect(() => {
    if (conversationId) session.connectConversation(conversationId);
  }, [session, conversationId]);

  useEffect(() => {
    if (chat && conversationId && visible && messages.length > 0) chat.markConversationRead(conversationId);
  }, [chat, conversationId, visible, messages]);

  // Follow new messages (the log is a column that grows downwards).
  useEffect(() => {
    const log = logRef.current;
    if (log && messages.length >= 0) log.scrollTop = log.scrollHeight;
  }, [messages]);

  if (!conversationId) {
    return (
      <section className="card placeholder" aria-label={t('conversation.label')}>
        <p>{t('conversation.placeholder')}</p>
      </section>
    );
  }

  const title = isRoom ? t('chat.everyone') : (peer?.name ?? names.get(conversationId) ?? '…');
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!chat || !draft.trim()) return;
    try {
      chat.sendText(conversationId, draft);
      setDraft('');
      setError(undefined);
      chat.setTyping(conversationId, false);
      if ('Notification' in window && Notification.permission === 'default')
        void Notification.requestPermission();
    } catch (e) {
      setError(e instanceof ChatError ? t(`chat.errors.${e.code}`, { max: CHAT_TEXT_MAX }) : String(e));
    }
  };
  const typingNames = typing.map((p) => names.get(p) ?? '…');

  return (
    <section ref={sectionRef} className="card conversation" aria-label={t('conversation.label')}>
      <header className="conversation-header">
        <div>
          <h2>{title}</h2>
          <p className="hint">
            {isRoom
              ? t('chat.roomHint')
              : peer
                ? `${t(`status.${peer.status}`)} · ${t(`chat.connection.${pairState ?? 'idle'}`)}`
                : t('chat.peerAway')}
            {!isRoom && peer && <RouteSuffix peerId={peer.peerId} />}
          </p>
          {!isRoom && peer && <LinkProofNotice peer={peer} />}
          {isRoom && <LinkProofSummary peerIds={[...names.keys()]} names={names} />}
          {!isRoom && peer && <SecurityDetails peer={peer} />}
        </div>
        <CallButtons session={session} conversationId={conversationId} names={names} />
        <SendFilesButtons disabled={!files.manager} onFiles={files.send} />
        <button type="button" onClick={() => void chat?.clearHistory()}>
          {t('chat.clearHistory')}
        </button>
      </header>
      {!isRoom && peer && pairState === 'unreachable' && (
        <p className="error" role="alert">
          {t('chat.unreachable', { name: title })}
        </p>
      )}
      {files.dropping && <p className="drop-hint">{t('transfer.dropHint')}</p>}
      {files.error && (
        <p className="error" role="alert">
          {files.error}
        </p>
      )}
      <TransferList manager={files.manager} conversationId={conversationId} names={names} />
      <ol className="messages" ref={logRef} role="log" aria-label={t('chat.messages')} aria-live="polite">
        {messages.map((m) => (
          <Bubble key={`${m.direction}:${m.from}:${m.id}`} record={m} showSender={isRoom} />
        ))}
      </ol>
      <p className="typing" aria-live="polite">
        {typingNames.length > 0
          ? t('chat.typing', { names: typingNames.join(', '), count: typingNames.length })
          : ''}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <form className="composer" onSubmit={send}>
        <textarea
          aria-label={t('chat.message')}
          placeholder={t('chat.placeholder')}
          value={draft}
          rows={1}
          maxLength={8000}
          disabled={!chat}
          onChange={(e) => {
            setDraft(e.currentTarget.value);
            chat?.setTyping(conversationId, e.currentTarget.value.length > 0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send(e);
          }}
        />
        <button type="submit" className="primary" disabled={!chat || !draft.trim()}>
          {t('chat.send')}
        </button>
      </form>
    </section>
  );
}
