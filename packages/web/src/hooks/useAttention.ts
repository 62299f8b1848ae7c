import type { ChatManager } from '@kopru/client';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

const BASE_TITLE = 'Köprü';

/** Title badge "(3) Köprü" while messages are unread, and a desktop notification when the tab is hidden. */
export function useAttention(chat: ChatManager | undefined, unreadTotal: number): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = unreadTotal > 0 ? `(${unreadTotal}) ${BASE_TITLE}` : BASE_TITLE;
  }, [unreadTotal]);

  useEffect(() => {
    if (!chat) return;
    return chat.on('incoming', ({ message }) => {
      if (document.visibilityState !== 'hidden') return;
      if (!('Notification' in window) || Notification.permission !== 'granted') return;
      const notification = new Notification(t('chat.newMessage', { name: message.fromName || '…' }), {
        body: message.text.slice(0, 140),
        tag: `kopru:${message.conversationId}`,
      });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
    });
  }, [chat, t]);
}
