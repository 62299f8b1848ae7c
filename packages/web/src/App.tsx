import { roomIdSchema } from '@kopru/protocol';
import { RoomPage } from './components/RoomPage.js';
import { HomePage } from './home/HomePage.js';

/** `/` is the home screen, `/r/<roomId>` a room; anything else goes home. */
export function App() {
  const path = window.location.pathname;
  if (path === '/') return <HomePage />;
  const match = /^\/r\/([^/]+)\/?$/.exec(path);
  const roomId = match?.[1];
  if (!roomId || !roomIdSchema.safeParse(roomId).success) {
    window.location.replace('/');
    return null;
  }
  return <RoomPage roomId={roomId} />;
}
