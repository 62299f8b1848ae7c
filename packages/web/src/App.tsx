import { roomIdSchema } from '@kopru/protocol';
import { RoomPage } from './components/RoomPage.js';
import { HomePage } from './home/HomePage.js';
import { AppStatus } from './pwa/AppStatus.js';

export function App() {
  return (
    <>
      <AppStatus />
      <Page />
    </>
  );
}

/** `/` is the home screen, `/r/<roomId>` a room; anything else goes home. */
function Page() {
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
