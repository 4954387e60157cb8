/** The project's root folder. */
export declare const projectRoot: string
/** The installed Electron binary, or null when it was never downloaded. */
export declare function electronBinary(): string | null
