/** English strings; the keys are the contract, `tr.ts` must provide every one (checked by its type). */
export const en = {
  app: {
    title: 'Köprü',
    tagline: 'Free peer-to-peer file transfer, messaging and calls',
    skipToContent: 'Skip to conversation',
  },
  connection: {
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    refused: 'Could not join',
    ended: 'Disconnected',
  },
  errors: {
    ROOM_FULL: 'This room is full.',
    INVALID_PAYLOAD: 'The server refused the request: {{message}}',
    generic: 'Something went wrong: {{message}}',
    replaced: 'This room was opened in another tab, so this tab has stepped aside.',
    useHere: 'Use here',
    nameInvalid: 'Names are 1 to 32 characters.',
  },
  self: {
    nameLabel: 'Your name',
    seenAs: 'Others see you as',
    save: 'Save name',
  },
  room: {
    label: 'Room',
    newRoom: 'New room',
    invite: 'Invite',
    help: 'Help',
    peopleList: 'People in this room',
    search: 'Search people',
    searchPlaceholder: 'Search…',
    count_one: '{{count}} person in this room (you)',
    count_other: '{{count}} people in this room, you included',
    empty: 'Nobody else is here yet. Invite someone with the link or QR code.',
    noMatch: 'No one matches “{{query}}”.',
    you: 'you',
  },
  status: {
    available: 'Available',
    'in-call': 'In a call',
    away: 'Away',
  },
  language: {
    label: 'Language',
  },
  invite: {
    title: 'Invite to this room',
    intro: 'Anyone with this link joins this room. Scan the code with a phone or send the link.',
    linkLabel: 'Room link',
    copy: 'Copy link',
    copied: 'Copied',
    share: 'Share',
    qrAlt: 'QR code for the room link',
    close: 'Close',
  },
  help: {
    title: 'How Köprü works',
    close: 'Close',
    serverTitle: 'What goes through the server',
    serverBody:
      'The Köprü server only introduces people: it knows which room you are in, the name you chose and your status, and it passes on the connection set-up messages (offers, answers and network candidates) between browsers. It never sees your messages, files or calls.',
    p2pTitle: 'What goes peer to peer',
    p2pBody:
      'Chat messages, files and voice and video travel directly between the browsers over WebRTC, encrypted end to end by DTLS and SRTP. When two networks cannot reach each other directly, the encrypted traffic goes through a relay (TURN) that cannot read it either.',
    privacyTitle: 'Your IP address',
    privacyBody:
      'A direct connection lets the other person’s browser learn your IP address. A relay-only privacy mode will hide it by sending everything through the relay.',
    roomsTitle: 'Rooms',
    roomsBody:
      'A room is its link: anyone with it can join, so share it only with people you trust. “New room” starts an empty one with a fresh, unguessable link.',
  },
  chat: {
    roomChat: 'Room chat',
    everyone: 'Everyone',
    roomHint: 'Everyone in this room, peer to peer',
    peerAway: 'Not in the room right now; messages wait until they come back',
    clearHistory: 'Clear history',
    messages: 'Messages',
    message: 'Message',
    placeholder: 'Type your message…',
    send: 'Send',
    typing_one: '{{names}} is typing…',
    typing_other: '{{names}} are typing…',
    state: {
      pending: 'Waiting',
      sent: 'Sent',
      delivered: 'Delivered',
      read: 'Read',
    },
    link: {
      idle: 'Not connected yet',
      connecting: 'Connecting…',
      connected: 'Connected peer to peer',
      reconnecting: 'Reconnecting…',
      failed: 'Connection failed; retrying',
      closed: 'Disconnected',
    },
    newMessage: 'New message from {{name}}',
  },
  tabs: {
    label: 'Sections',
    people: 'People',
    conversation: 'Chat',
    call: 'Call',
  },
  conversation: {
    label: 'Conversation',
    placeholder: 'Choose someone in the list to start a private conversation.',
  },
  call: {
    label: 'Call',
    placeholder: 'Calls with video tiles appear here.',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Resources = Widen<typeof en>;
