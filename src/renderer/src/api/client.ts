import type { ApiBridge, AppEvent, Method, RequestOf, ResponseOf } from '../../../shared'
// Values come from errors.ts directly so the renderer bundle does not pull in zod.
import { ApiCallError, isApiError } from '../../../shared/errors'

/** The typed API as the renderer sees it; which transport carries it is chosen once, elsewhere. */
export interface ApiClient {
  /** Calls one contract method; resolves with its response or throws {@link ApiCallError}. */
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>
  /** Listens to server events; returns the function that stops listening. */
  onEvent(listener: (event: AppEvent) => void): () => void
  /** When the transport can lose events (HTTP), tells when its event stream came back. */
  onReconnect?(listener: () => void): () => void
}

/** Wraps a transport (preload bridge or HTTP) into an {@link ApiClient}. */
export function createApiClient(
  transport: ApiBridge & { onReconnect?(listener: () => void): () => void }
): ApiClient {
  const client: ApiClient = {
    async call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
      const result: unknown = await transport.invoke(method, request)
      if (!isResultShape(result)) {
        throw new ApiCallError({
          code: 'internal',
          message: `The backend gave no usable answer to ${method}.`
        })
      }
      if (result.ok) return result.value as ResponseOf<M>
      throw new ApiCallError(
        isApiError(result.error)
          ? result.error
          : { code: 'internal', message: `The backend failed ${method} without saying why.` }
      )
    },
    onEvent(listener) {
      return transport.onEvent(listener)
    }
  }
  if (transport.onReconnect) {
    const onReconnect = transport.onReconnect.bind(transport)
    client.onReconnect = (listener) => onReconnect(listener)
  }
  return client
}

type LooseResult = { ok: true; value: unknown } | { ok: false; error: unknown }

function isResultShape(value: unknown): value is LooseResult {
  if (typeof value !== 'object' || value === null) return false
  const ok = (value as { ok?: unknown }).ok
  return ok === true || ok === false
}

/** Turns anything a failed call threw into a sentence fit for the UI (never a stack). */
export function describeError(error: unknown): { readonly code: string; readonly message: string } {
  if (error instanceof ApiCallError) return { code: error.code, message: error.message }
  if (isApiError(error)) return { code: error.code, message: error.message }
  // Not an API failure: a bug in the renderer. Keep the stack in the console, not on screen.
  console.error(error)
  return {
    code: 'internal',
    message: 'Something went wrong in Slipway; the details are in the log.'
  }
}
