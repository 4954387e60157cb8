// Test support: loopback ports for test servers, sshd hosts and deployed test apps.
import { createServer } from 'node:net'

/** A TCP port nobody listens on right now at `address` (a loopback address; default 127.0.0.1). */
export function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, address, () => {
      const bound = server.address()
      const port = typeof bound === 'object' && bound ? bound.port : 0
      server.close(() => resolve(port))
    })
  })
}
