import {
  ChatError,
  type ChatManager,
  type ChatRecord,
  type PeerPairState,
  ROOM_CONVERSATION_ID,
} from '@kopru/client';
import { CHAT_TEXT_MAX, type PeerInfo } from '@kopru/protocol';
import { type FormEvent, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type SessionFacade, useConversation, useTyping } from '../hooks/useSession.js';
import { useTransfers } from '../hooks/useTransfers.js';
import { takeDraft } from '../pwa/shared-draft.js';
import { Avatar } from './Avatar.js';
import { CallButtons } from './call/CallButtons.js';
import { MessageText } from './MessageText.js';
import { LinkProofNotice, LinkProofSummary } from './security/LinkProof.js';
import { RouteSuffix } from './security/PeerSecurityBadge.js';
import { SendFilesButtons } from './transfer/SendFilesButton.js';
import { TransferCard } from './transfer/TransferCard.js';
import { useConversationFiles } from './transfer/useConversationFiles.js';
import './transfer/transfer.css';

/** Safety numbers and verification load with the first direct conversation, not with the page. */
const SecurityDetails = lazy(() =>
  import('./security/SecurityDetails.js').then((m) => ({ default: m.SecurityDetails })),
);

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
    <li
      className={`bubble ${mine ? 'mine' : 'theirs'} ${showSender && !mine ? 'with-avatar' : ''}`}
      data-state={record.state}
    >
      {showSender && !mine && <Avatar id={record.from} name={record.fromName} />}
      <div className="bubble-body">
        {showSender && !mine && <span className="sender">{record.fromName}</span>}
        <p className="bubble-text">
          <MessageText text={record.text} />
        </p>
        <span className="meta">
          <time dateTime={new Date(record.sentAt).toISOString()}>{time}</time>
          {mine && <span className="delivery">{t(`chat.state.${record.state}`)}</span>}
        </span>
      </div>
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
  // Text shared from another app ("Send to…") waits in the message box of the conversation it went to.
  useEffect(() => {
    const shared = takeDraft(id);
    if (shared) setDraft(shared);
  }, [id]);
  const [error, setError] = useState<string>();
  const logRef = useRef<HTMLDivElement>(null);
  const isRoom = conversationId === ROOM_CONVERSATION_ID;
  const sectionRef = useRef<HTMLElement>(null);
  const files = useConversationFiles(session, conversationId, sectionRef);
  const transfers = useTransfers(files.manager, id);
  // One timeline: messages and transfers in the order they were sent or offered.
  const timeline = [
    ...messages.map((m) => ({ at: m.sentAt, message: m, transfer: undefined })),
    ...transfers.map((tr) => ({ at: tr.createdAt, message: undefined, transfer: tr })),
  ].sort((a, b) => a.at - b.at);

  useEffect(() => {
    if (conversationId) session.connectConversation(conversationId);
  }, [session, conversationId]);

  useEffect(() => {
    if (chat && conversationId && visible && messages.length > 0) chat.markConversationRead(conversationId);
  }, [chat, conversationId, visible, messages]);

  // Follow new messages and offers (the log is a column that grows downwards).
  const entries = messages.length + transfers.length;
  useEffect(() => {
    const log = logRef.current;
    if (log && entries >= 0) log.scrollTop = log.scrollHeight;
  }, [entries]);

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
        {isRoom ? (
          <span className="room-icon room-icon-large" aria-hidden="true">
            #
          </span>
        ) : (
          <Avatar id={conversationId} name={title} size="large" />
        )}
        <div className="conversation-title">
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
          {!isRoom && peer && (
            <Suspense fallback={null}>
              <SecurityDetails peer={peer} />
            </Suspense>
          )}
        </div>
        <div className="conversation-actions">
          <CallButtons session={session} conversationId={conversationId} names={names} />
          <SendFilesButtons disabled={!files.manager} onFiles={files.send} />
          <button type="button" onClick={() => void chat?.clearHistory()}>
            {t('chat.clearHistory')}
          </button>
        </div>
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
      <div
        className="message-log"
        ref={logRef}
        role="log"
        aria-label={t('chat.messages')}
        aria-live="polite"
        // New messages and offers are announced; a transfer's progress ticking is not.
        aria-relevant="additions"
        // Scrollable, so reachable by keyboard even when it holds no button.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus (WCAG 2.1.1)
        tabIndex={0}
      >
        <ol className="messages">
          {timeline.map(({ message, transfer }) =>
            message ? (
              <Bubble
                key={`${message.direction}:${message.from}:${message.id}`}
                record={message}
                showSender={isRoom}
              />
            ) : transfer && files.manager ? (
              <TransferCard
                key={transfer.id}
                transfer={transfer}
                manager={files.manager}
                peerName={names.get(transfer.peerId) ?? '…'}
              />
            ) : null,
          )}
        </ol>
      </div>
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
