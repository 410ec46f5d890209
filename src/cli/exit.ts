// Stable exit codes: 0 ok, 1 refused / denied / failed check, 2 usage or connection error.
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;
  readonly body: unknown;
  /** The HTTP status of the API error it stands for; 0 when no answer came or none was asked. */
  readonly status: number;
  constructor(message: string, exitCode: number, body: unknown = null, status = 0) {
    super(message);
    this.exitCode = exitCode;
    this.body = body;
    this.status = status;
  }
}
