// Fast-refresh preamble as a module: the CSP (script-src 'self') blocks the inline one vite
// injects in dev. It is an empty module in production builds.
import '@vitejs/plugin-react/preamble'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { getApiClient } from './api/create-client'
import { sessionRole } from './api/session-role'
import { createStores } from './stores/stores'
import { connectSubscriptions } from './stores/subscriptions'
import { App } from './views/App'
import './styles/tokens.css'
import './styles/app.css'

const client = getApiClient()
const stores = createStores(client)
connectSubscriptions(stores, client)

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
void sessionRole().then((role) =>
  createRoot(root).render(
    <StrictMode>
      <App stores={stores} role={role} />
    </StrictMode>
  )
)
