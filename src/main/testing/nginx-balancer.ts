// Test support: a real nginx (Debian's /usr/sbin/nginx) as the load balancer in front of test
// hosts, run from a config in a folder of ours, listening on loopback only. Nothing under /etc
// or /var is read or written: every path nginx uses is under that folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { freePort } from './ports'

const NGINX = '/usr/sbin/nginx'

/** One nginx in front of upstream hosts. */
export interface NginxBalancer {
  /** Its folder: nginx.conf, upstream.conf (one `server address:port …;` line per host), logs. */
  readonly dir: string
  /** Where clients connect: 127.0.0.1:port. */
  readonly port: number
  /** The request ids (`X-Request-Id`) nginx logged, i.e. the requests it read and answered. */
  loggedRequestIds(): Promise<Set<string>>
  /** upstream.conf as it is now. */
  upstream(): Promise<string>
  /** Stops nginx (graceful, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Null when nginx can run here, else the reason. With `SLIPWAY_REQUIRE_NGINX=1` (set by CI) the
 * reason is thrown instead, so the tests behind nginx fail with it rather than vanish as skips.
 */
export function nginxUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  let reason: string | null = null
  if (!existsSync(NGINX)) reason = `${NGINX} is not installed (apt-get install nginx)`
  else if (spawnSync(NGINX, ['-v']).status !== 0) reason = `${NGINX} -v failed`
  if (reason !== null && env.SLIPWAY_REQUIRE_NGINX === '1') {
    throw new Error(`SLIPWAY_REQUIRE_NGINX=1 but nginx cannot run here: ${reason}`)
  }
  return reason
}

/** The nginx.conf of a balancer listening on 127.0.0.1:`port`. */
export function balancerConfig(port: number): string {
  return `# A test load balancer (Slipway's src/main/testing/nginx-balancer.ts). Paths are relative to
# the folder given with -p.
worker_processes 1;
daemon off;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 1024; }
http {
  log_format requests '$msec $http_x_request_id $status $upstream_addr $upstream_http_x_release';
  access_log access.log requests;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  upstream app { include upstream.conf; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      # Measure the deploy, not nginx's own safety net: with retries on, a request a
      # restarting host drops would silently go to another host. Real setups keep them on.
      proxy_next_upstream off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 15s;
    }
  }
}
`
}

/** upstream.conf for `addresses` (`address:port`); max_fails=0: no passive ejection either. */
export function upstreamConfig(addresses: readonly string[]): string {
  return addresses.map((a) => `server ${a} max_fails=0;\n`).join('')
}

async function accepting(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nginx did not listen on 127.0.0.1:${port} in time`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Starts nginx in `dir` (created if missing) balancing over `addresses`; resolves once it
 * accepts connections. nginx is a child of this process (daemon off); `stop` ends it.
 */
export async function startNginxBalancer(
  dir: string,
  addresses: readonly string[]
): Promise<NginxBalancer> {
  const reason = nginxUnavailableReason()
  if (reason) throw new Error(reason)
  await mkdir(join(dir, 'tmp'), { recursive: true })
  const port = await freePort()
  await writeFile(join(dir, 'nginx.conf'), balancerConfig(port))
  await writeFile(join(dir, 'upstream.conf'), upstreamConfig(addresses))
  const args = ['-p', dir, '-c', 'nginx.conf', '-e', join(dir, 'error.log')]
  const test = spawnSync(NGINX, [...args, '-t', '-q'], { encoding: 'utf8' })
  if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr.trim()}`)
  const child: ChildProcess = spawn(NGINX, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await Promise.race([
      accepting(port, Date.now() + 10_000),
      exited.then(() => {
        throw new Error(`nginx exited at start: ${stderr.trim()}`)
      })
    ])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    dir,
    port,
    async loggedRequestIds() {
      const text = await readFile(join(dir, 'access.log'), 'utf8').catch(() => '')
      return new Set(
        text
          .split('\n')
          .map((l) => l.split(' ')[1])
          .filter((id): id is string => Boolean(id) && id !== '-')
      )
    },
    upstream: () => readFile(join(dir, 'upstream.conf'), 'utf8'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGQUIT')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
  }
}
