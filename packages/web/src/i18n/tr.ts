import type { Resources } from './en.js';

export const tr: Resources = {
  app: {
    title: 'Köprü',
    tagline: 'Ücretsiz eşler arası dosya transferi, mesajlaşma ve arama',
    skipToContent: 'Sohbete geç',
  },
  connection: {
    connecting: 'Bağlanıyor…',
    connected: 'Bağlısınız',
    reconnecting: 'Yeniden bağlanıyor…',
    refused: 'Katılınamadı',
    ended: 'Bağlantı kesildi',
  },
  errors: {
    ROOM_FULL: 'Bu oda dolu.',
    INVALID_PAYLOAD: 'Sunucu isteği reddetti: {{message}}',
    generic: 'Bir sorun oluştu: {{message}}',
    replaced: 'Bu oda başka bir sekmede açıldı; bu sekme kenara çekildi.',
    useHere: 'Burada kullan',
    nameInvalid: 'İsimler 1 ile 32 karakter arasında olmalı.',
  },
  self: {
    nameLabel: 'Adınız',
    seenAs: 'Diğerleri sizi şöyle görüyor:',
    save: 'Adı kaydet',
  },
  room: {
    label: 'Oda',
    newRoom: 'Yeni oda',
    invite: 'Davet et',
    help: 'Yardım',
    peopleList: 'Bu odadaki kişiler',
    search: 'Kişi ara',
    searchPlaceholder: 'Ara…',
    count_one: 'Odada {{count}} kişi var (siz)',
    count_other: 'Odada siz dahil {{count}} kişi var',
    empty: 'Burada henüz kimse yok. Bağlantı veya QR kod ile birini davet edin.',
    noMatch: '“{{query}}” ile eşleşen kimse yok.',
    you: 'siz',
  },
  status: {
    available: 'Müsait',
    'in-call': 'Görüşmede',
    away: 'Uzakta',
  },
  language: {
    label: 'Dil',
  },
  invite: {
    title: 'Bu odaya davet et',
    intro: 'Bu bağlantıya sahip olan herkes odaya katılır. Kodu telefonla okutun ya da bağlantıyı gönderin.',
    linkLabel: 'Oda bağlantısı',
    copy: 'Bağlantıyı kopyala',
    copied: 'Kopyalandı',
    share: 'Paylaş',
    qrAlt: 'Oda bağlantısının QR kodu',
    close: 'Kapat',
  },
  help: {
    title: 'Köprü nasıl çalışır',
    close: 'Kapat',
    serverTitle: 'Sunucudan neler geçer',
    serverBody:
      'Köprü sunucusu yalnızca kişileri tanıştırır: hangi odada olduğunuzu, seçtiğiniz adı ve durumunuzu bilir, tarayıcılar arasındaki bağlantı kurulum mesajlarını (teklif, yanıt ve ağ adayları) iletir. Mesajlarınızı, dosyalarınızı ve görüşmelerinizi asla görmez.',
    p2pTitle: 'Neler doğrudan eşler arasında gider',
    p2pBody:
      'Sohbet mesajları, dosyalar, sesli ve görüntülü görüşmeler WebRTC ile doğrudan tarayıcılar arasında, DTLS ve SRTP ile uçtan uca şifrelenmiş olarak gider. İki ağ birbirine doğrudan ulaşamadığında şifreli trafik, onu okuyamayan bir aktarıcı (TURN) sunucusundan geçer.',
    privacyTitle: 'IP adresiniz',
    privacyBody:
      'Doğrudan bağlantı, karşı tarafın tarayıcısının IP adresinizi öğrenmesine izin verir. Yalnızca aktarıcı kullanan gizlilik modu her şeyi aktarıcı üzerinden göndererek adresinizi gizleyecek.',
    roomsTitle: 'Odalar',
    roomsBody:
      'Oda, bağlantısının kendisidir: bağlantıya sahip olan herkes katılabilir, bu yüzden yalnızca güvendiğiniz kişilerle paylaşın. “Yeni oda” yeni ve tahmin edilemez bir bağlantıyla boş bir oda açar.',
  },
  chat: {
    roomChat: 'Oda sohbeti',
    everyone: 'Herkes',
    roomHint: 'Bu odadaki herkes, eşler arası',
    peerAway: 'Şu an odada değil; mesajlar geri dönene kadar bekler',
    clearHistory: 'Geçmişi temizle',
    messages: 'Mesajlar',
    message: 'Mesaj',
    placeholder: 'Mesajınızı yazın…',
    send: 'Gönder',
    typing_one: '{{names}} yazıyor…',
    typing_other: '{{names}} yazıyor…',
    state: {
      pending: 'Bekliyor',
      sent: 'Gönderildi',
      delivered: 'İletildi',
      read: 'Okundu',
    },
    link: {
      idle: 'Henüz bağlı değil',
      connecting: 'Bağlanıyor…',
      connected: 'Eşler arası bağlı',
      reconnecting: 'Yeniden bağlanıyor…',
      failed: 'Bağlantı kurulamadı; yeniden deneniyor',
      closed: 'Bağlantı kesildi',
    },
    newMessage: '{{name}} adlı kişiden yeni mesaj',
  },
  tabs: {
    label: 'Bölümler',
    people: 'Kişiler',
    conversation: 'Sohbet',
    call: 'Arama',
  },
  conversation: {
    label: 'Sohbet',
    placeholder: 'Özel bir sohbet başlatmak için listeden birini seçin.',
  },
  call: {
    label: 'Arama',
    placeholder: 'Görüntülü görüşmeler burada görünür.',
  },
};
