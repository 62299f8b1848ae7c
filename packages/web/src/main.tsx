import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { applyTheme, savedTheme } from './hooks/useTheme.js';
import { initI18n } from './i18n/index.js';
import { loadIdentity } from './security/identity.js';
import './styles.css';

applyTheme(savedTheme());
initI18n();
const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
// The DTLS certificate first: every connection must use the same one (safety numbers). A few ms.
void loadIdentity().finally(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
