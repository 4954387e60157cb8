/** The project's root folder. */
export declare const projectRoot: string
/** The `electron` package folder. */
export declare const electronPackageDir: string
/** The executable's path inside an Electron distribution for `platform`. */
export declare function platformExecutable(platform?: string): string
/** The installed `electron` package's version, or null. */
export declare function electronVersion(): string | null
/** The Electron executable (ELECTRON_OVERRIDE_DIST_PATH, else node_modules/electron/dist), or null. */
export declare function electronBinary(): string | null
