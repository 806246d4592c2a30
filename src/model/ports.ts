/** Small interfaces pure code receives instead of reaching for globals. */

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** The subset of pino's API that our code uses, so any compatible logger fits. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
