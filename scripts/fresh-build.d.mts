/** The project's root folder. */
export declare const projectRoot: string
/** Every file the desktop app and the CLI need from a build. */
export declare const BUILD_OUTPUTS: readonly string[]
/** Builds out/ when missing or stale; null when usable, else the one-line reason. */
export declare function ensureFreshBuild(): string | null
