import { roomIdSchema } from '@kopru/protocol';
import { RoomPage } from './components/RoomPage.js';

/** `/r/<roomId>` is a room; anything else goes to `/`, where the server makes a new room. */
export function App() {
  const match = /^\/r\/([^/]+)\/?$/.exec(window.location.pathname);
  const roomId = match?.[1];
  if (!roomId || !roomIdSchema.safeParse(roomId).success) {
    window.location.replace('/');
    return null;
  }
  return <RoomPage roomId={roomId} />;
}
