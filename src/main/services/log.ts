/**
 * Where services report bugs of background work: a one-line message plus the thrown value
 * (logged with its stack by the host; never shown to users as is).
 */
export type ErrorLog = (message: string, err?: unknown) => void
