/** Structured logging: one JSON object per event; adapters decide where lines go. */
export interface Logger {
  log(level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { log() {} };

/** One JSON line per event on the console, which Workers, Lambda and containers all collect. */
export const consoleLogger: Logger = {
  log(level, event, fields) {
    const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
    if (level === 'error') console.error(line);
    else console.log(line);
  },
};
