import type { ChatManager } from '@kopru/client';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

const BASE_TITLE = 'Köprü';

/** Title badge "(3) Köprü" while messages are unread (the page's total, over all its conversations). */
export function useUnreadTitle(unreadTotal: number): void {
  useEffect(() => {
    document.title = unreadTotal > 0 ? `(${unreadTotal}) ${BASE_TITLE}` : BASE_TITLE;
  }, [unreadTotal]);
}

/** A desktop notification for each message that arrives while the tab is hidden (if the user allowed them). */
export function useMessageNotifications(chat: ChatManager | undefined): void {
  const { t } = useTranslation();
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
