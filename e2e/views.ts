import { expect, type Page } from '@playwright/test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../src/main/testing/ports'
import type { ServeHost } from './serve-host'

/** Calls one API method on a serve host as the page would; answers the value. */
export async function invoke(host: ServeHost, method: string, request: unknown): Promise<unknown> {
  const res = await fetch(`${host.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request)
  })
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown }
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
  return body.value
}

/** The demo workspace of a serve host, its staging port moved to a free one (4301 may be taken). */
export async function prepareDemo(host: ServeHost): Promise<string> {
  const demo = join(host.dataDir, 'demo', 'orders')
  const yml = join(demo, 'slipway.yml')
  const port = await freePort()
  writeFileSync(yml, readFileSync(yml, 'utf8').replace('port: 4301', `port: ${port}`))
  await invoke(host, 'workspace.open', { path: demo })
  await trustOpenWorkspace(host)
  return demo
}

/** The demo branch whose pull request the pull-request view shows. */
export const PULL_BRANCH = 'feature/ORD-142-refund-endpoint'

/** Opens the demo's pull request for {@link PULL_BRANCH} unless it is open already. */
export async function ensurePull(host: ServeHost): Promise<void> {
  const open = (await invoke(host, 'pullRequests.list', {})) as { branch: string }[]
  if (open.some((p) => p.branch === PULL_BRANCH)) return
  await invoke(host, 'pullRequests.open', { branch: PULL_BRANCH })
}

/**
 * Answers the trust question for the open workspace as a user does in the dialog: read its
 * commands, trust exactly those (the demo opened by its path is an ordinary repository).
 */
export async function trustOpenWorkspace(host: ServeHost): Promise<void> {
  const status = (await invoke(host, 'trust.status', {})) as { fingerprint: string }
  await invoke(host, 'trust.grant', { fingerprint: status.fingerprint })
}

/** One view of the app, reached from a freshly loaded board. */
export interface View {
  readonly name: string
  open(page: Page, host: ServeHost): Promise<void>
}

async function board(page: Page, host: ServeHost): Promise<void> {
  await page.goto(host.url)
  await expect(page.getByTestId('board')).toBeVisible()
  await expect(page.getByTestId('branch-card').first()).toBeVisible()
  await expect(page.getByTestId('read-staging')).toBeVisible({ timeout: 30_000 })
}

/** Every view a release manager meets, in the order the gallery and the axe checks visit them. */
export const VIEWS: readonly View[] = [
  { name: 'board', open: board },
  {
    name: 'drawer',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('branch-card').first().click()
      await expect(page.getByTestId('branch-drawer')).toBeVisible()
    }
  },
  {
    name: 'queue',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('queue-button').click()
      await expect(page.getByTestId('queue-panel')).toBeVisible()
    }
  },
  {
    name: 'run-view',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('branch-card').first().click()
      const item = page.getByTestId('run-item').first()
      await expect(item).toBeVisible({ timeout: 60_000 })
      await item.getByRole('button', { name: /log/i }).first().click()
      await expect(page.getByTestId('run-view')).toBeVisible()
      // The log arrives after the view opens: a shot without it shows an empty black box.
      await expect(page.getByTestId('log-viewer')).toContainText('[slipway]', { timeout: 30_000 })
    }
  },
  {
    name: 'deploy-dialog',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('deploy-staging').click()
      await expect(page.getByTestId('deploy-dialog')).toBeVisible()
    }
  },
  {
    name: 'history-dialog',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('history-staging').click()
      await expect(page.getByTestId('history-dialog')).toBeVisible()
      await expect(page.getByTestId('history-dialog').getByRole('status')).not.toHaveText(/Reading/)
    }
  },
  {
    name: 'tickets-view',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('open-tickets').click()
      await expect(page.getByTestId('tickets-view')).toBeVisible()
      await expect(page.getByTestId('ticket-row').first()).toBeVisible({ timeout: 30_000 })
    }
  },
  {
    name: 'ledger-view',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('open-ledger').click()
      const view = page.getByTestId('ledger-view')
      await expect(view).toBeVisible()
      await expect(view.getByTestId('ledger-count')).not.toHaveText(/Reading/, { timeout: 30_000 })
    }
  },
  {
    name: 'ticket-dialog',
    async open(page, host) {
      await board(page, host)
      await page.getByTestId('open-tickets').click()
      await page.locator('[data-testid="ticket-row"][data-key="ORD-142"]').click()
      const dialog = page.getByTestId('ticket-dialog')
      await expect(dialog.getByTestId('ticket-start-work')).toBeVisible({ timeout: 30_000 })
    }
  },
  {
    name: 'pull-view',
    async open(page, host) {
      await ensurePull(host)
      await board(page, host)
      await page.locator(`[data-testid="branch-card"][data-branch="${PULL_BRANCH}"]`).click()
      await page.getByTestId('drawer-view-pull').click({ timeout: 30_000 })
      const view = page.getByTestId('pull-view')
      await expect(view.getByTestId('pull-checks')).toBeVisible({ timeout: 60_000 })
      await expect(view.getByTestId('pull-commits')).toBeVisible()
      await expect(view.getByRole('list', { name: 'Changed files' })).toBeVisible({
        timeout: 30_000
      })
    }
  },
  {
    name: 'overview',
    async open(page, host) {
      await board(page, host)
      await page.keyboard.press('o')
      const view = page.getByTestId('overview-view')
      await expect(view).toBeVisible()
      await expect(view.getByTestId('overview-summary')).not.toHaveText(/Reading/, {
        timeout: 30_000
      })
    }
  },
  {
    name: 'picker',
    async open(page, host) {
      await board(page, host)
      await page.getByRole('button', { name: /switch workspace/i }).click()
      await expect(page.getByTestId('workspace-picker')).toBeVisible()
    }
  },
  {
    name: 'folder-browser',
    async open(page, host) {
      await board(page, host)
      await page.getByRole('button', { name: /switch workspace/i }).click()
      await page.getByTestId('browse-folders').click()
      const browser = page.getByTestId('folder-browser')
      await expect(browser.getByRole('listbox')).toBeFocused()
      await expect(browser.getByTestId('folder-status')).toHaveText(/ in ~/)
    }
  }
]
