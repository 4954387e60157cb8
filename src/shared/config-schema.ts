import { z } from 'zod'
import { parseFreezeWindow } from './freeze-windows'
import { DEFAULT_TICKET_PATTERN, ticketPatternFor, ticketPatternProblem } from './ticket-pattern'
import { EnvironmentTimeoutsSchema, TimeoutsConfigSchema } from './timeouts'
import { isTimeZone } from './zoned-time'

/** Names used in paths, URLs and logs: letters, digits, dot, dash, underscore; never a leading dash. */
export const SafeName = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,62}$/, 'use letters, digits, ".", "_" or "-" (not first)')

/** A ticket key prefix: capital letters and digits, a letter first (`ORD`). */
export const TicketPrefix = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{0,9}$/, 'capital letters and digits, a letter first (e.g. ORD)')

/** Variables for branch code (`test.env`, `build.env`): names as a shell would accept them. */
export const CommandEnvSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits, "_"'),
  z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v))
)

/** One deploy target: an SSH host or a `local` folder on this machine. */
export const HostConfigSchema = z.union([
  z
    .object({
      local: z.string().min(1, 'a local host needs a folder path'),
      port: z.number().int().min(1).max(65535).optional(),
      name: SafeName.optional()
    })
    .strict(),
  z
    .object({
      host: z
        .string()
        .regex(/^[A-Za-z0-9_.:[\]-]+$/, 'a host name or address')
        .refine((h) => !h.startsWith('-'), 'a host name cannot start with "-"'),
      user: z
        .string()
        .regex(/^[a-z_][a-z0-9_-]*$/i, 'a plain user name')
        .optional(),
      port: z.number().int().min(1).max(65535).optional(),
      path: z.string().startsWith('/', 'an absolute path on the host'),
      name: SafeName.optional()
    })
    .strict()
])

/**
 * `hooks` of an environment. `afterActivate` runs on each host once `current` is switched.
 * `beforeBatch` / `afterBatch` run on this machine, in the workspace, around each batch of a
 * rolling deploy, rollback or automatic rollback (the batch's hosts in SLIPWAY_HOSTS and
 * `{hosts}`): the place to take hosts out of a load balancer and put them back.
 * `drainSeconds` is the wait after `beforeBatch`, for requests already sent to finish.
 */
export const HooksConfigSchema = z
  .object({
    afterActivate: z.string().optional(),
    beforeBatch: z.string().trim().min(1, 'a command, or leave beforeBatch out').optional(),
    afterBatch: z.string().trim().min(1, 'a command, or leave afterBatch out').optional(),
    drainSeconds: z
      .number()
      .min(0, 'drainSeconds cannot be negative')
      .max(600, 'drainSeconds is at most 600 (10 minutes)')
      .optional()
  })
  .strict()
  .superRefine((hooks, ctx) => {
    if (hooks.beforeBatch && !hooks.afterBatch) {
      ctx.addIssue({
        code: 'custom',
        path: ['afterBatch'],
        message: 'beforeBatch takes hosts out of the load balancer: add afterBatch to put them back'
      })
    }
    if (hooks.drainSeconds !== undefined && !hooks.beforeBatch) {
      ctx.addIssue({
        code: 'custom',
        path: ['drainSeconds'],
        message: 'drainSeconds is the wait after beforeBatch: add beforeBatch, or leave it out'
      })
    }
  })

/** How long Slipway waits after `beforeBatch` when `drainSeconds` is not given. */
export const DEFAULT_DRAIN_SECONDS = 2

/** One environment: a named set of hosts with strategy, health check, approvals and freezes. */
export const EnvironmentConfigSchema = z
  .object({
    name: SafeName,
    deployOn: z.enum(['merge', 'manual']).optional(),
    promoteFrom: SafeName.optional(),
    hosts: z.array(HostConfigSchema).min(1, 'an environment needs at least one host'),
    strategy: z
      .object({
        batchSize: z.number().int().min(1).default(1),
        /**
         * Upload once per environment (per group of hosts needing the same bytes) to one host,
         * the relay; the others fetch it from the relay over SSH (see the README: fan-out).
         */
        fanOut: z.boolean().optional()
      })
      .strict()
      .optional(),
    hooks: HooksConfigSchema.optional(),
    healthCheck: z
      .object({
        url: z.string().optional(),
        command: z.string().optional(),
        timeoutSeconds: z.number().positive().default(30)
      })
      .strict()
      .optional(),
    approvals: z
      .object({
        required: z.number().int().min(0).max(10).default(0),
        authorCannotApprove: z.boolean().default(false),
        /** Approvals count only with an SSH signature that verifies (`ssh-keygen -Y verify`). */
        signed: z.boolean().default(false),
        /** git's allowed-signers file, committed in the repository, relative to its root. */
        allowedSigners: z
          .string()
          .refine(
            (p) => !p.startsWith('/') && !p.split('/').includes('..'),
            'a path inside the repository (relative, no "..")'
          )
          .default('.slipway/allowed_signers')
      })
      .strict()
      .optional(),
    /** Windows when deploys and promotions are refused without a written override. */
    freeze: z
      .array(
        z.string().superRefine((text, ctx) => {
          const parsed = parseFreezeWindow(text)
          if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem })
        })
      )
      .optional(),
    /** The time zone `freeze` times are in (`Europe/Berlin`); default: this machine's. */
    freezeTimezone: z
      .string()
      .refine(isTimeZone, 'not a time zone this machine knows (e.g. Europe/Berlin, UTC)')
      .optional(),
    keepReleases: z.number().int().min(2).default(5),
    shared: z.array(z.string()).optional(),
    /** How long to wait for this environment's hosts; over the top-level `timeouts`. */
    timeouts: EnvironmentTimeoutsSchema.optional()
  })
  .strict()
  .superRefine((env, ctx) => {
    if (!env.strategy?.fanOut) return
    env.hosts.forEach((host, i) => {
      if ('local' in host) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', i],
          message: 'strategy.fanOut needs SSH hosts (hosts fetch from each other over SSH)'
        })
      } else if (!FAN_OUT_PATH.test(host.path)) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', i, 'path'],
          message:
            'with strategy.fanOut the path may hold only letters, digits, "/", ".", "_" and "-" (it is written into a restricted authorized_keys line)'
        })
      }
    })
  })

/** Deploy paths fan-out can name in an authorized_keys `command="…"` without any escaping. */
export const FAN_OUT_PATH = /^\/[A-Za-z0-9._/-]+$/

/** Hosts a branch environment's health URL may name: the developer's own machine only. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Why a `branchEnvironments.healthUrl` cannot be used, or null when it can. */
export function healthUrlProblem(template: string): string | null {
  if (!template.includes('{port}')) {
    return 'must contain {port} (the port Slipway gives the app in PORT)'
  }
  let url: URL
  try {
    url = new URL(template.replaceAll('{port}', '1'))
  } catch {
    return "must be a URL such as 'http://127.0.0.1:{port}/health'"
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'must start with http:// or https://'
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    return 'must point at this machine (127.0.0.1, localhost or [::1]): the app runs here'
  }
  return null
}

/** The health URL of a branch environment when slipway.yml names none. */
export const DEFAULT_BRANCH_ENV_HEALTH_URL = 'http://127.0.0.1:{port}/'

/**
 * `branchEnvironments`: how any branch runs on the developer's machine ("Run locally"):
 * `setup` (cached per lockfile hash), `run` (given a free port in PORT), `healthUrl` (waited
 * for), `env`, and the sandbox (bubblewrap unless `sandbox: none`).
 */
export const BranchEnvironmentsConfigSchema = z
  .object({
    setup: z.string().min(1, 'a setup command, or leave setup out').optional(),
    run: z.string().min(1, 'the command that starts the app, e.g. npm start'),
    healthUrl: z
      .string()
      .superRefine((u, ctx) => {
        const problem = healthUrlProblem(u)
        if (problem) ctx.addIssue({ code: 'custom', message: problem })
      })
      .default(DEFAULT_BRANCH_ENV_HEALTH_URL),
    env: CommandEnvSchema.optional(),
    // Branch code is untrusted: the OS sandbox is on unless the project turns it off.
    sandbox: z.enum(['none', 'bwrap']).default('bwrap'),
    startTimeoutSeconds: z.number().positive().max(3600).default(120)
  })
  .strict()

/** The whole `slipway.yml`. Every field has a default so a missing file still gives a usable config. */
export const SlipwayConfigSchema = z
  .object({
    project: z.string().min(1).optional(),
    mainBranch: z.string().min(1).optional(),
    tickets: z
      .object({
        /** The ticket keys' pattern; default: from `projects`, else {@link DEFAULT_TICKET_PATTERN}. */
        pattern: z
          .string()
          .superRefine((p, ctx) => {
            const problem = ticketPatternProblem(p)
            if (problem) ctx.addIssue({ code: 'custom', message: problem })
          })
          .optional(),
        /** The ticket prefixes in use (`[ORD, PAY]`): only their keys are ticket keys. */
        projects: z.array(TicketPrefix).min(1, 'list at least one prefix, e.g. [ORD]').optional(),
        /** Keys of new tickets: `<prefix>-<number>` (default: from `project`). */
        prefix: TicketPrefix.optional()
      })
      .strict()
      .transform((t) => ({ ...t, pattern: t.pattern ?? ticketPatternFor(t.projects) }))
      .superRefine((t, ctx) => {
        // A key Slipway hands out must be found again in branch names and commit subjects.
        if (!t.prefix || !TicketPrefix.safeParse(t.prefix).success) return
        if (ticketPatternProblem(t.pattern)) return
        const sample = `${t.prefix}-123`
        const found = new RegExp(t.pattern).exec(sample)
        if (found?.[0] !== sample) {
          ctx.addIssue({
            code: 'custom',
            path: ['prefix'],
            message: `keys like ${sample} do not match ${t.projects ? 'tickets.projects' : 'tickets.pattern'}`
          })
        }
      })
      .default({ pattern: DEFAULT_TICKET_PATTERN }),
    pullRequests: z
      .object({
        /** Approvals needed, from reviewers who authored none of the branch's commits. */
        approvals: z.number().int().min(0).max(10).default(1),
        mergeMethod: z.enum(['merge', 'squash']).default('merge')
      })
      .strict()
      .default({ approvals: 1, mergeMethod: 'merge' }),
    test: z
      .object({
        command: z.string().min(1),
        timeoutSeconds: z.number().positive().default(900),
        concurrency: z.number().int().min(1).optional(),
        setup: z.string().optional(),
        junit: z.string().optional(),
        env: CommandEnvSchema.optional(),
        // Absent means none: the allow-listed environment without an OS sandbox.
        sandbox: z.enum(['none', 'bwrap']).optional()
      })
      .strict()
      .optional(),
    build: z
      .object({
        command: z.string().min(1),
        artifact: z.string().min(1),
        env: CommandEnvSchema.optional()
      })
      .strict()
      .optional(),
    branchEnvironments: BranchEnvironmentsConfigSchema.optional(),
    /** Workspace-wide timeouts (see shared/timeouts.ts); an environment's own win. */
    timeouts: TimeoutsConfigSchema.optional(),
    environments: z
      .array(EnvironmentConfigSchema)
      .default([])
      .refine(
        (envs) => new Set(envs.map((e) => e.name)).size === envs.length,
        'environment names must be unique'
      )
  })
  .strict()
  // Each environment carries its effective timeouts, so the engine needs only the environment.
  .transform((config) => {
    const top = config.timeouts
    if (!top) return config
    const forHosts = {
      connectSeconds: top.connectSeconds,
      commandSeconds: top.commandSeconds,
      uploadStallSeconds: top.uploadStallSeconds,
      hookSeconds: top.hookSeconds
    }
    return {
      ...config,
      environments: config.environments.map((e) => ({
        ...e,
        timeouts: { ...definedOnly(forHosts), ...e.timeouts }
      }))
    }
  })

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Parsed `slipway.yml` (defaults applied). */
export type SlipwayConfig = z.output<typeof SlipwayConfigSchema>
/** One environment of {@link SlipwayConfig}. */
export type EnvironmentConfig = z.output<typeof EnvironmentConfigSchema>
/** One host of an {@link EnvironmentConfig}. */
export type HostConfig = z.output<typeof HostConfigSchema>
/** `branchEnvironments` of {@link SlipwayConfig} (defaults applied). */
export type BranchEnvironmentsConfig = z.output<typeof BranchEnvironmentsConfigSchema>
