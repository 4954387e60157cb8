import { hostname, userInfo } from 'node:os'

/** `user@machine`: who creates releases, deploys and holds locks from this process. */
export function currentActor(): string {
  let user = process.env.USER ?? 'someone'
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (containers): keep $USER.
  }
  return `${user}@${hostname()}`
}
