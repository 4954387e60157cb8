import type { DemoFeature } from './demo-app'

/** A fixed person of the demo history. */
export interface DemoPerson {
  readonly name: string
  readonly email: string
}

const ANA: DemoPerson = { name: 'Ana Ruiz', email: 'ana@orders.example' }
const BEN: DemoPerson = { name: 'Ben Okafor', email: 'ben@orders.example' }
const CHEN: DemoPerson = { name: 'Chen Wei', email: 'chen@orders.example' }
const DANA: DemoPerson = { name: 'Dana Levi', email: 'dana@orders.example' }

/** One commit of the demo history; `parent` and `merge` name earlier commits by `id`. */
export interface DemoCommit {
  readonly id: string
  readonly branch: string
  readonly parent?: string
  readonly merge?: string
  readonly author: DemoPerson
  /** Hours after the first commit; dates are fixed so the shas are the same on every machine. */
  readonly hour: number
  readonly message: string
  readonly adds: readonly DemoFeature[]
}

/** The first commit's time: Monday 3 March 2025, 09:00 (+01:00). */
export const DEMO_EPOCH_SECONDS = Date.UTC(2025, 2, 3, 8, 0, 0) / 1000

const MAIN = 'main'
const CSV = 'feature/ORD-120-csv-export'
const NOTES = 'feature/ORD-137-order-notes'
const ROUNDING = 'bugfix/rounding-cents'
const REFUND = 'feature/ORD-142-refund-endpoint'
const DISCOUNT = 'feature/ORD-150-discount-codes'

/**
 * The demo history in order. Each commit's tree is its parent's features plus `adds` (a merge
 * also takes the merged branch's features), so every snapshot is a consistent app.
 */
export const DEMO_COMMITS: readonly DemoCommit[] = [
  c('m1', MAIN, ANA, 0, 'ORD-101 Scaffold the orders service', ['scaffold']),
  c('m2', MAIN, BEN, 3, 'ORD-102 Validate incoming orders', ['validation']),
  c('m3', MAIN, BEN, 24, 'ORD-103 Compute order totals with tax', ['totals']),
  c('m4', MAIN, CHEN, 27, 'ORD-104 List and create orders over HTTP', ['endpoints']),
  c('csv1', CSV, DANA, 30, 'ORD-120 Export orders as CSV for finance', ['csv'], 'm4'),
  c('m5', MAIN, ANA, 49, 'ORD-105 Read the release id from the RELEASE file', ['release'], 'm4'),
  c('m6', MAIN, ANA, 52, 'ORD-107 Build script: copy the app into dist/ and stamp RELEASE', [
    'build'
  ]),
  c('m7', MAIN, DANA, 73, 'ORD-108 Add the Slipway pipeline', ['pipeline']),
  c('n1', NOTES, CHEN, 75, 'ORD-137 Let customers add a note to an order', ['notes'], 'm7'),
  c('m8', MAIN, CHEN, 76, 'ORD-110 Fetch one order by id', ['get-by-id'], 'm7'),
  {
    id: 'm9',
    branch: MAIN,
    parent: 'm8',
    merge: 'n1',
    author: DANA,
    hour: 97,
    message: `Merge branch '${NOTES}'\n\nORD-137 Let customers add a note to an order`,
    adds: []
  },
  c('r1', ROUNDING, BEN, 99, 'Round order totals to whole cents (ORD-131)', ['rounding'], 'm9'),
  c('r2', ROUNDING, BEN, 100, 'ORD-131 Cover three-decimal prices in the totals tests', [
    'rounding-test'
  ]),
  c('m10', MAIN, BEN, 121, 'ORD-112 Document how to run the service locally', ['readme'], 'm9'),
  c('m11', MAIN, BEN, 124, 'ORD-115 Reject orders with more than 50 items', ['max-items']),
  c('f1', REFUND, CHEN, 145, 'ORD-142 Compute refundable amounts', ['refund-lib'], 'm11'),
  c('f2', REFUND, CHEN, 147, 'ORD-142 Add POST /orders/:id/refund', ['refund-route']),
  c('f3', REFUND, CHEN, 148, 'ORD-142 Mention refunds in the README', ['refund-docs']),
  c('d1', DISCOUNT, DANA, 150, 'ORD-150 Apply discount codes to order totals', ['discount'], 'm11')
]

/** What each demo branch is there to show; the tests check the repository matches. */
export interface DemoBranch {
  readonly name: string
  readonly tickets: readonly string[]
  readonly ahead: number
  readonly behind: number
  readonly testsPass: boolean
  /** True when merging into main stops on a content conflict. */
  readonly conflictsWithMain: boolean
  readonly shows: string
}

/** The branches of the demo besides main, with their designed shape. */
export const DEMO_BRANCHES: readonly DemoBranch[] = [
  {
    name: CSV,
    tickets: ['ORD-120'],
    ahead: 1,
    behind: 8,
    testsPass: true,
    conflictsWithMain: true,
    shows: 'forked early; main moved on (and touched the same routes): needs updating'
  },
  {
    name: NOTES,
    tickets: ['ORD-137'],
    ahead: 0,
    behind: 4,
    testsPass: true,
    conflictsWithMain: false,
    shows: 'already merged into main'
  },
  {
    name: ROUNDING,
    tickets: ['ORD-131'],
    ahead: 2,
    behind: 2,
    testsPass: true,
    conflictsWithMain: false,
    shows: 'no ticket in the branch name, only in commit subjects'
  },
  {
    name: REFUND,
    tickets: ['ORD-142'],
    ahead: 3,
    behind: 0,
    testsPass: true,
    conflictsWithMain: false,
    shows: 'several commits ahead, up to date, tests green: ready for a pull request'
  },
  {
    name: DISCOUNT,
    tickets: ['ORD-150'],
    ahead: 1,
    behind: 0,
    testsPass: false,
    conflictsWithMain: false,
    shows: 'its change breaks an existing test'
  }
]

function c(
  id: string,
  branch: string,
  author: DemoPerson,
  hour: number,
  message: string,
  adds: readonly DemoFeature[],
  parent?: string
): DemoCommit {
  return parent === undefined
    ? { id, branch, author, hour, message, adds }
    : { id, branch, author, hour, message, adds, parent }
}
