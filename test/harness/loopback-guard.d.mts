/** What the loopback guard refused in this process (see loopback-guard.mjs). */
export declare const refusedConnections: string[];
export declare function isLoopbackHost(host: string): boolean;
